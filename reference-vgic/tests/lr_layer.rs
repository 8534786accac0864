//! The acceptance property of the list-register layer: for random interrupt sequences
//! interleaved with guest CPU-interface operations, what a guest observes through the layer
//! (flush → virtual CPU interface → fold, around every exit) equals what it observes on the
//! direct model (`Gic`'s own CPU interface): IAR, HPPIR, RPR and the active priorities, and
//! after every fold the distributor's ISPENDR/ISACTIVER read-back.
//!
//! Exits (a fold, the hypervisor's work, a flush):
//! - around every distributor write or line change (the guest's distributor accesses trap; a
//!   device line or another CPU's SGI reaches a running vCPU through the hypervisor);
//! - whenever the maintenance interrupt is asserted after a guest operation;
//! - on a trapped DIR (TDIR), which the hypervisor emulates between fold and flush;
//! - at random (`Op::Exit`), and after every guest operation when `exit_always` is set.
//!
//! The guest behaves as software must for EOIs to be well defined: it EOIs in the reverse
//! order of its acknowledges, and with EOImode 1 deactivates only what it has EOIed. The
//! distributor never clears the active state of an interrupt the guest is handling (an EOI
//! for it would then be UNPREDICTABLE in the direct model and ambiguous to EOIcount).

mod common;

use common::*;
use proptest::prelude::*;
use reference_vgic::{
    CpuId, DirResult, EoiMode, Frame, Gic, GicConfig, Group, Sysreg, VcpuIf, Version, Vgic,
};

const NR_IRQS: u32 = 96;

fn bank_frame(version: Version, n: u32) -> Frame {
    match version {
        Version::V3 if n < 32 => Frame::RedistributorSgi(C0),
        _ => Frame::Distributor,
    }
}

/// Two CPUs (the second only sends SGIs), 96 INTIDs, 5 priority bits; groups enabled, every
/// SPI routed to CPU 0.
fn machine(version: Version) -> Gic {
    let mut g = Gic::new(GicConfig::new(version, 2, 2, 5));
    match version {
        Version::V2 => {
            v2_enable(&mut g, C0);
            for n in 32..NR_IRQS {
                g.mmio_write(C0, Frame::Distributor, GICD_ITARGETSR + n, 1, 1);
            }
        }
        Version::V3 => v3_enable(&mut g, C0),
    }
    g
}

/// A distributor-side step (an exit on the layered side) or a guest CPU-interface step.
#[derive(Clone, Debug)]
enum Op {
    /// A whole-word write to the set/clear enable, pending or active register holding `n`.
    Word {
        bank: usize,
        n: u32,
        value: u32,
    },
    Priority {
        n: u32,
        value: u8,
    },
    Line {
        n: u32,
        high: bool,
    },
    /// The ICFGR word holding SPI `n`.
    Config {
        n: u32,
        value: u32,
    },
    /// SGI `n` to CPU 0, sent by CPU `from`.
    Sgi {
        n: u32,
        from: u8,
    },
    Ack,
    Hppir,
    Rpr,
    /// EOI the most recently acknowledged interrupt not yet EOIed.
    Eoi,
    /// DIR: with EOImode 1 one of the EOIed-but-active interrupts, with EOImode 0 the most
    /// recently acknowledged one (the write has no effect).
    Dir {
        pick: usize,
    },
    Pmr {
        value: u8,
    },
    Exit,
}

const BANKS: [u32; 6] = [
    GICD_ISENABLER,
    GICD_ICENABLER,
    GICD_ISPENDR,
    GICD_ICPENDR,
    GICD_ISACTIVER,
    GICD_ICACTIVER,
];

fn distributor_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..BANKS.len(), 0..NR_IRQS, any::<u32>()).prop_map(|(bank, n, value)| Op::Word { bank, n, value }),
        2 => (0..NR_IRQS, any::<u8>()).prop_map(|(n, value)| Op::Priority { n, value }),
        2 => (16..NR_IRQS, any::<bool>()).prop_map(|(n, high)| Op::Line { n, high }),
        1 => (32..NR_IRQS, any::<u32>()).prop_map(|(n, value)| Op::Config { n, value }),
        2 => (0..16u32, 0..2u8).prop_map(|(n, from)| Op::Sgi { n, from }),
    ]
}

fn guest_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => Just(Op::Ack),
        2 => Just(Op::Hppir),
        1 => Just(Op::Rpr),
        4 => Just(Op::Eoi),
        2 => any::<usize>().prop_map(|pick| Op::Dir { pick }),
        1 => prop_oneof![Just(0xffu8), any::<u8>()].prop_map(|value| Op::Pmr { value }),
        1 => Just(Op::Exit),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![2 => distributor_op(), 3 => guest_op()]
}

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![Just(Version::V2), Just(Version::V3)]
}

/// The guest's CPU-interface registers on the direct model.
struct Direct {
    g: Gic,
    version: Version,
}

impl Direct {
    fn ack(&mut self) -> u32 {
        match self.version {
            Version::V2 => rc(&mut self.g, C0, GICC_IAR),
            Version::V3 => self.g.sysreg_read(C0, Sysreg::Iar1) as u32,
        }
    }
    fn hppir(&mut self) -> u32 {
        match self.version {
            Version::V2 => rc(&mut self.g, C0, GICC_HPPIR),
            Version::V3 => self.g.sysreg_read(C0, Sysreg::Hppir1) as u32,
        }
    }
    fn rpr(&mut self) -> u32 {
        match self.version {
            Version::V2 => rc(&mut self.g, C0, GICC_RPR),
            Version::V3 => self.g.sysreg_read(C0, Sysreg::Rpr) as u32,
        }
    }
    fn eoi(&mut self, v: u32) {
        match self.version {
            Version::V2 => wc(&mut self.g, C0, GICC_EOIR, v),
            Version::V3 => self.g.sysreg_write(C0, Sysreg::Eoir1, v.into()),
        }
    }
    fn dir(&mut self, v: u32) {
        match self.version {
            Version::V2 => wc(&mut self.g, C0, GICC_DIR, v),
            Version::V3 => self.g.sysreg_write(C0, Sysreg::Dir, v.into()),
        }
    }
    fn pmr(&mut self, v: u8) {
        match self.version {
            Version::V2 => wc(&mut self.g, C0, GICC_PMR, v.into()),
            Version::V3 => self.g.sysreg_write(C0, Sysreg::Pmr, v.into()),
        }
    }
    fn split(&mut self) {
        match self.version {
            Version::V2 => wc(&mut self.g, C0, GICC_CTLR, 0b111 | 1 << 9),
            Version::V3 => self.g.sysreg_write(C0, Sysreg::Ctlr, 0b10),
        }
    }
    /// Active priorities, levels 0-31, of Group 0 and Group 1.
    fn apr(&mut self) -> [u32; 2] {
        match self.version {
            Version::V2 => [rc(&mut self.g, C0, GICC_APR0), rc(&mut self.g, C0, 0xe0)],
            Version::V3 => [0, self.g.sysreg_read(C0, Sysreg::Ap1r0) as u32],
        }
    }
}

/// The same guest on the list-register layer.
struct Layered {
    vgic: Vgic,
    vif: VcpuIf,
    nr_lr: usize,
    exits: u64,
}

impl Layered {
    fn new(version: Version, nr_lr: usize, mode: EoiMode) -> Layered {
        let g = machine(version);
        let mut vif = VcpuIf::new(g.config());
        vif.set_group_enable(Group::G0, version == Version::V2);
        vif.set_group_enable(Group::G1, true);
        vif.set_ack_ctl(true);
        vif.set_pmr(0xff);
        vif.set_eoi_mode_split(mode == EoiMode::Split);
        let mut l = Layered {
            vgic: Vgic::new(g),
            vif,
            nr_lr,
            exits: 0,
        };
        l.enter().expect("entry");
        l
    }

    fn enter(&mut self) -> Result<(), TestCaseError> {
        let f = self.vgic.flush(C0, self.nr_lr);
        prop_assert_eq!(f.lrs.len(), self.nr_lr);
        self.vif.load(&f);
        prop_assert!(
            !self.vif.maintenance_asserted(),
            "maintenance asserted at entry: {:?} {:?}",
            self.vif.misr(),
            f
        );
        Ok(())
    }

    fn exit(&mut self) {
        self.exits += 1;
        let lrs = self.vif.lrs().to_vec();
        let effects = self.vgic.fold(C0, &lrs, self.vif.eoi_count());
        assert!(effects.is_empty(), "no hardware interrupts are mapped");
    }
}

/// Distributor read-back (ISPENDR, ISACTIVER of every INTID) and the virtual CPU interface's
/// running and active priorities agree.
fn check(d: &mut Direct, l: &mut Layered, version: Version) -> Result<(), TestCaseError> {
    for n in (0..NR_IRQS).step_by(32) {
        for base in [GICD_ISPENDR, GICD_ISACTIVER] {
            let (off, _) = bit_reg(base, n);
            let f = bank_frame(version, n);
            let a = d.g.mmio_read(C0, f, off, 4);
            let b = l.vgic.gic_mut().mmio_read(C0, f, off, 4);
            prop_assert_eq!(a, b, "INTIDs {}.. of {:#x} after fold", n, base);
        }
    }
    prop_assert_eq!(d.rpr(), u32::from(l.vif.rpr()), "RPR");
    let apr = d.apr();
    let vapr = [l.vif.apr(Group::G0), l.vif.apr(Group::G1)];
    prop_assert_eq!(apr, vapr, "active priorities");
    Ok(())
}

/// Apply a distributor-side op to one model (as CPU 0 unless it is another CPU's SGI).
fn distribute(g: &mut Gic, version: Version, op: &Op, held: &[u32]) {
    match *op {
        Op::Word { bank, n, value } => {
            let (off, _) = bit_reg(BANKS[bank], n);
            let mut value = value;
            if BANKS[bank] == GICD_ICACTIVER {
                for h in held {
                    if h / 32 == n / 32 {
                        value &= !(1 << (h % 32));
                    }
                }
            }
            g.mmio_write(C0, bank_frame(version, n), off, 4, value.into());
        }
        Op::Priority { n, value } => {
            g.mmio_write(
                C0,
                bank_frame(version, n),
                GICD_IPRIORITYR + n,
                1,
                value.into(),
            );
        }
        Op::Line { n, high } => g.set_line(C0, n, high),
        Op::Config { n, value } => {
            g.mmio_write(
                C0,
                Frame::Distributor,
                GICD_ICFGR + 4 * (n / 16),
                4,
                value.into(),
            );
        }
        Op::Sgi { n, from } => match version {
            Version::V2 => g.mmio_write(
                CpuId(from),
                Frame::Distributor,
                GICD_SGIR,
                4,
                (1 << 16 | n).into(),
            ),
            Version::V3 => g.sysreg_write(CpuId(from), Sysreg::Sgi1r, u64::from(n) << 24 | 1),
        },
        _ => {}
    }
}

/// Run `ops` on both sides and compare every observation.
fn run(
    version: Version,
    nr_lr: usize,
    mode: EoiMode,
    exit_always: bool,
    setup: &[Op],
    ops: &[Op],
) -> Result<u64, TestCaseError> {
    let mut d = Direct {
        g: machine(version),
        version,
    };
    if mode == EoiMode::Split {
        d.split();
    }
    let mut l = Layered::new(version, nr_lr, mode);
    // Acknowledged, not yet EOIed (a stack); EOIed, still active (EOImode 1).
    let mut acked: Vec<u32> = Vec::new();
    let mut dropped: Vec<u32> = Vec::new();
    for op in setup.iter().chain(ops) {
        let held: Vec<u32> = acked.iter().chain(&dropped).map(|v| v & 0x3ff).collect();
        let mut exit_now = exit_always;
        match op {
            Op::Ack => {
                let a = d.ack();
                let b = l.vif.ack();
                prop_assert_eq!(a, b, "IAR");
                if a & 0x3ff < 1020 {
                    acked.push(a);
                }
            }
            Op::Hppir => prop_assert_eq!(d.hppir(), l.vif.hppir(), "HPPIR"),
            Op::Rpr => prop_assert_eq!(d.rpr(), u32::from(l.vif.rpr()), "RPR"),
            Op::Eoi => {
                if let Some(v) = acked.pop() {
                    d.eoi(v);
                    prop_assert_eq!(l.vif.eoi(v), None);
                    if mode == EoiMode::Split {
                        dropped.push(v);
                    }
                }
            }
            Op::Dir { pick } => {
                let v = match mode {
                    EoiMode::Split if !dropped.is_empty() => {
                        Some(dropped.remove(pick % dropped.len()))
                    }
                    EoiMode::Combined => acked.last().copied(),
                    _ => None,
                };
                if let Some(v) = v {
                    d.dir(v);
                    match l.vif.dir(v) {
                        DirResult::Done(effect) => prop_assert_eq!(effect, None),
                        DirResult::Trapped => {
                            l.exit();
                            prop_assert!(l.vgic.emulate_dir(C0, v, mode).is_empty());
                            check(&mut d, &mut l, version)?;
                            l.enter()?;
                        }
                    }
                }
            }
            Op::Pmr { value } => {
                d.pmr(*value);
                l.vif.set_pmr(*value);
            }
            Op::Exit => exit_now = true,
            _ => {
                l.exit();
                check(&mut d, &mut l, version)?;
                distribute(&mut d.g, version, op, &held);
                distribute(l.vgic.gic_mut(), version, op, &held);
                l.enter()?;
                continue;
            }
        }
        if exit_now || l.vif.maintenance_asserted() {
            l.exit();
            check(&mut d, &mut l, version)?;
            l.enter()?;
        }
    }
    l.exit();
    check(&mut d, &mut l, version)?;
    Ok(l.exits)
}

fn mode() -> impl Strategy<Value = EoiMode> {
    prop_oneof![Just(EoiMode::Combined), Just(EoiMode::Split)]
}

/// At least 16 interrupts made pending at once: enabled, a random priority, edge or level
/// (SPIs), set pending through GICD_ISPENDR (SGIs: from CPU 1 on GICv2).
fn burst() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::btree_map(0..NR_IRQS, (any::<u8>(), any::<bool>()), 16..28).prop_map(|m| {
        let mut ops = Vec::new();
        for (n, (prio, edge)) in m {
            let (_, bit) = bit_reg(0, n);
            ops.push(Op::Word {
                bank: 0,
                n,
                value: bit,
            });
            ops.push(Op::Priority { n, value: prio });
            if n >= 32 && edge {
                ops.push(Op::Config {
                    n,
                    value: 0xaaaa_aaaa,
                });
            }
            ops.push(Op::Word {
                bank: 2,
                n,
                value: bit,
            });
            if n < 16 {
                ops.push(Op::Sgi { n, from: 1 });
            }
        }
        ops
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random distributor and guest sequences, any number of list registers from 1 to 16.
    #[test]
    fn guest_observes_the_same_through_list_registers_as_on_the_direct_model(
        version in version(),
        nr_lr in 1usize..=16,
        mode in mode(),
        exit_always in any::<bool>(),
        ops in prop::collection::vec(op(), 1..160),
    ) {
        run(version, nr_lr, mode, exit_always, &[], &ops)?;
    }

    /// 16 or more pending interrupts through 1-4 list registers: overflow, re-queueing and
    /// the underflow / no-pending / EOIcount maintenance exits.
    #[test]
    fn sixteen_pending_interrupts_drain_through_few_list_registers_as_on_the_direct_model(
        version in version(),
        nr_lr in 1usize..=4,
        mode in mode(),
        setup in burst(),
        ops in prop::collection::vec(prop_oneof![6 => guest_op(), 1 => distributor_op()], 1..200),
    ) {
        run(version, nr_lr, mode, false, &setup, &ops)?;
    }
}

/// The burst really overflows: with one list register, draining 20 pending interrupts takes
/// an exit per interrupt at least.
#[test]
fn a_drained_burst_exits_at_least_once_per_interrupt_with_one_list_register() {
    let mut setup = Vec::new();
    for n in 40..60u32 {
        let (_, bit) = bit_reg(0, n);
        setup.push(Op::Word {
            bank: 0,
            n,
            value: bit,
        });
        setup.push(Op::Priority {
            n,
            value: (n as u8) << 2,
        });
        setup.push(Op::Config {
            n,
            value: 0xaaaa_aaaa,
        });
        setup.push(Op::Word {
            bank: 2,
            n,
            value: bit,
        });
    }
    let setup_exits = setup.len() as u64;
    let mut ops = Vec::new();
    for _ in 40..60 {
        ops.extend([Op::Hppir, Op::Ack, Op::Eoi]);
    }
    let exits = run(Version::V3, 1, EoiMode::Combined, false, &setup, &ops).expect("equivalent");
    assert!(exits >= setup_exits + 20, "{exits} exits");
}
