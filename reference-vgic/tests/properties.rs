//! Properties of the state machine and the register dispatcher over random sequences of guest
//! accesses (proptest: a failure shrinks to a minimal sequence and is replayable).

mod common;

use common::*;
use proptest::prelude::*;
use reference_vgic::{CpuId, Frame, Gic, GicConfig, Sysreg, Version};

const NR_IRQS: u32 = 96;

/// The frame holding INTID `n`'s per-interrupt registers for `cpu`.
fn bank_frame(version: Version, cpu: CpuId, n: u32) -> Frame {
    match version {
        Version::V3 if n < 32 => Frame::RedistributorSgi(cpu),
        _ => Frame::Distributor,
    }
}

fn bit_of(g: &mut Gic, version: Version, base: u32, n: u32) -> bool {
    let (off, bit) = bit_reg(base, n);
    g.mmio_read(C0, bank_frame(version, C0, n), off, 4) as u32 & bit != 0
}

fn setup(version: Version) -> Gic {
    let mut g = Gic::new(GicConfig::new(version, 1, 2, 5));
    match version {
        Version::V2 => v2_enable(&mut g, C0),
        Version::V3 => v3_enable(&mut g, C0),
    }
    g
}

fn ack(g: &mut Gic, version: Version) -> u32 {
    match version {
        Version::V2 => rc(g, C0, GICC_IAR) & 0x3ff,
        Version::V3 => g.sysreg_read(C0, Sysreg::Iar1) as u32,
    }
}

fn eoi(g: &mut Gic, version: Version, intid: u32) {
    match version {
        Version::V2 => wc(g, C0, GICC_EOIR, intid),
        Version::V3 => g.sysreg_write(C0, Sysreg::Eoir1, intid.into()),
    }
}

fn running_priority(g: &mut Gic, version: Version) -> u32 {
    match version {
        Version::V2 => rc(g, C0, GICC_RPR),
        Version::V3 => g.sysreg_read(C0, Sysreg::Rpr) as u32,
    }
}

/// One guest step: a distributor-side mutation, or an acknowledge/EOI on CPU 0.
#[derive(Clone, Debug)]
enum Op {
    /// A whole-word write to the set/clear enable, set/clear pending or clear active register
    /// that holds INTID `n`.
    Word { bank: usize, n: u32, value: u32 },
    /// A byte write to the priority of `n`.
    Priority { n: u32, value: u8 },
    /// Drive the line of `n`.
    Line { n: u32, high: bool },
    /// A write to the ICFGR word holding SPI `n`.
    Config { n: u32, value: u32 },
    /// SGI `n` to self.
    Sgi { n: u32 },
    /// Acknowledge.
    Ack,
    /// EOI the most recently acknowledged interrupt.
    Eoi,
}

const BANKS: [u32; 5] = [
    GICD_ISENABLER,
    GICD_ICENABLER,
    GICD_ISPENDR,
    GICD_ICPENDR,
    GICD_ICACTIVER,
];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..BANKS.len(), 0..NR_IRQS, any::<u32>()).prop_map(|(bank, n, value)| Op::Word { bank, n, value }),
        1 => (0..NR_IRQS, any::<u8>()).prop_map(|(n, value)| Op::Priority { n, value }),
        1 => (0..NR_IRQS, any::<bool>()).prop_map(|(n, high)| Op::Line { n, high }),
        1 => (32..NR_IRQS, any::<u32>()).prop_map(|(n, value)| Op::Config { n, value }),
        1 => (0..16u32).prop_map(|n| Op::Sgi { n }),
        3 => Just(Op::Ack),
        2 => Just(Op::Eoi),
    ]
}

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![Just(Version::V2), Just(Version::V3)]
}

/// Applies a mutation (acknowledge and EOI are the caller's).
fn mutate(g: &mut Gic, version: Version, op: &Op) {
    match *op {
        Op::Word { bank, n, value } => {
            let (off, _) = bit_reg(BANKS[bank], n);
            g.mmio_write(C0, bank_frame(version, C0, n), off, 4, value.into());
        }
        Op::Priority { n, value } => {
            g.mmio_write(
                C0,
                bank_frame(version, C0, n),
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
        Op::Sgi { n } => match version {
            Version::V2 => g.mmio_write(
                C0,
                Frame::Distributor,
                GICD_SGIR,
                4,
                0b10 << 24 | u64::from(n),
            ),
            Version::V3 => g.sysreg_write(C0, Sysreg::Sgi1r, u64::from(n) << 24 | 1),
        },
        Op::Ack | Op::Eoi => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// IHI 0048B §3.2.4 / IHI 0069H §4.1: an acknowledge returns an interrupt that was enabled,
    /// pending and not active, and makes it active; otherwise a special INTID.
    #[test]
    fn iar_never_returns_a_disabled_non_pending_or_active_interrupt(
        version in version(),
        ops in prop::collection::vec(op(), 1..200),
    ) {
        let mut g = setup(version);
        let mut acked = Vec::new();
        for op in &ops {
            match op {
                Op::Ack => {
                    let snapshot: Vec<_> = (0..NR_IRQS)
                        .map(|n| (
                            bit_of(&mut g, version, GICD_ISENABLER, n),
                            bit_of(&mut g, version, GICD_ISPENDR, n),
                            bit_of(&mut g, version, GICD_ISACTIVER, n),
                        ))
                        .collect();
                    let id = ack(&mut g, version);
                    if id < NR_IRQS {
                        let (enabled, pending, active) = snapshot[id as usize];
                        prop_assert!(enabled && pending && !active, "IAR returned {id}: enabled {enabled}, pending {pending}, active {active}");
                        prop_assert!(bit_of(&mut g, version, GICD_ISACTIVER, id), "acknowledged {id} is not active");
                        acked.push(id);
                    } else {
                        prop_assert!(id >= 1020, "IAR returned {id}");
                    }
                }
                Op::Eoi => {
                    if let Some(id) = acked.pop() {
                        eoi(&mut g, version, id);
                    }
                }
                _ => mutate(&mut g, version, op),
            }
        }
    }

    /// Handling everything in nested order (acknowledge while something is pending, EOI the
    /// innermost otherwise) ends with nothing active and the running priority idle (0xff).
    #[test]
    fn acknowledging_and_eoi_of_everything_leaves_running_priority_idle(
        version in version(),
        ops in prop::collection::vec(op(), 1..100),
    ) {
        let mut g = setup(version);
        for op in &ops {
            mutate(&mut g, version, op);
        }
        // Lines low and SPIs edge-triggered, so an acknowledge consumes the pending state.
        for n in 16..NR_IRQS {
            g.set_line(C0, n, false);
        }
        for word in 2..NR_IRQS / 16 {
            wd(&mut g, GICD_ICFGR + 4 * word, 0xaaaa_aaaa);
        }
        let mut stack = Vec::new();
        for _ in 0..10_000 {
            let id = ack(&mut g, version);
            if id < 1020 {
                stack.push(id);
            } else if let Some(top) = stack.pop() {
                eoi(&mut g, version, top);
            } else {
                break;
            }
        }
        prop_assert!(stack.is_empty(), "nested handling did not finish");
        prop_assert_eq!(running_priority(&mut g, version), 0xff);
        for n in 0..NR_IRQS {
            prop_assert!(!bit_of(&mut g, version, GICD_ISACTIVER, n), "{} still active", n);
        }
    }

    /// Whatever a guest does, the model never panics and a read fits its access width.
    #[test]
    fn mmio_never_panics_and_reads_fit_the_access_width(
        v3 in any::<bool>(),
        cpus in 0u8..10,
        it_lines in 0u8..40,
        pri_bits in 0u8..12,
        accesses in prop::collection::vec(
            (0u8..4, 0u8..4, 0u8..4, any::<u32>(), prop::sample::select(vec![1u8, 2, 3, 4, 8, 16]), any::<u64>(), any::<bool>()),
            1..300,
        ),
    ) {
        let version = if v3 { Version::V3 } else { Version::V2 };
        let mut g = Gic::new(GicConfig { iidr: 1, ..GicConfig::new(version, cpus, it_lines, pri_bits) });
        for (cpu, frame, target, offset, width, value, write) in accesses {
            let cpu = CpuId(cpu);
            let frame = match frame {
                0 => Frame::Distributor,
                1 => Frame::CpuInterface,
                2 => Frame::Redistributor(CpuId(target)),
                _ => Frame::RedistributorSgi(CpuId(target)),
            };
            let offset = offset % 0x1_0000;
            if write {
                g.mmio_write(cpu, frame, offset, width, value);
                g.sysreg_write(cpu, Sysreg::Sgi1r, value);
            } else {
                let v = g.mmio_read(cpu, frame, offset, width);
                if width < 8 {
                    prop_assert!(v < 1u64 << (8 * u32::from(width)), "{:?}+{:#x}/{}", frame, offset, width);
                }
                g.sysreg_read(cpu, Sysreg::Iar1);
            }
            g.set_line(cpu, (value % 1100) as u32, write);
        }
        prop_assert!(g.take_ignored().len() <= reference_vgic::MAX_IGNORED);
    }
}
