//! Randomised properties over many seeded sequences of guest accesses. A small deterministic
//! generator (SplitMix64) replaces a property-testing crate so the crate stays
//! dependency-free; a failure message names the seed and step to replay.

mod common;

use common::*;
use reference_vgic::{CpuId, Frame, Gic, GicConfig, Sysreg, Version};

/// SplitMix64: deterministic, seedable, good enough to shuffle register accesses.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SEEDS: u64 = 64;
const STEPS: usize = 200;
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

/// One random distributor-side mutation: enables, pending, priorities, trigger, lines.
fn random_mutation(g: &mut Gic, version: Version, rng: &mut Rng) {
    let n = rng.below(u64::from(NR_IRQS)) as u32;
    let frame = bank_frame(version, C0, n);
    let bases = [
        GICD_ISENABLER,
        GICD_ICENABLER,
        GICD_ISPENDR,
        GICD_ICPENDR,
        GICD_ICACTIVER,
    ];
    match rng.below(8) {
        0..=3 => {
            let base = bases[rng.below(bases.len() as u64) as usize];
            let (off, _) = bit_reg(base, n);
            g.mmio_write(C0, frame, off, 4, rng.next() & 0xffff_ffff);
        }
        4 => g.mmio_write(C0, frame, GICD_IPRIORITYR + n, 1, rng.below(256)),
        5 => g.set_line(C0, n, rng.below(2) == 1),
        6 if n >= 32 => {
            let off = GICD_ICFGR + 4 * (n / 16);
            g.mmio_write(C0, Frame::Distributor, off, 4, rng.next() & 0xffff_ffff);
        }
        _ => {
            if version == Version::V2 && n < 16 {
                g.mmio_write(
                    C0,
                    Frame::Distributor,
                    GICD_SGIR,
                    4,
                    0b10 << 24 | u64::from(n),
                );
            } else if version == Version::V3 && n < 16 {
                g.sysreg_write(C0, Sysreg::Sgi1r, u64::from(n) << 24 | 1);
            }
        }
    }
}

#[test]
fn iar_never_returns_a_disabled_non_pending_or_active_interrupt() {
    for version in [Version::V2, Version::V3] {
        let mut total_acked = 0;
        for seed in 0..SEEDS {
            let mut rng = Rng(seed);
            let mut g = setup(version);
            let mut acked = Vec::new();
            for step in 0..STEPS {
                random_mutation(&mut g, version, &mut rng);
                if rng.below(4) != 0 {
                    continue;
                }
                let snapshot: Vec<_> = (0..NR_IRQS)
                    .map(|n| {
                        (
                            bit_of(&mut g, version, GICD_ISENABLER, n),
                            bit_of(&mut g, version, GICD_ISPENDR, n),
                            bit_of(&mut g, version, GICD_ISACTIVER, n),
                        )
                    })
                    .collect();
                let id = ack(&mut g, version);
                if id < NR_IRQS {
                    let (enabled, pending, active) = snapshot[id as usize];
                    assert!(
                        enabled && pending && !active,
                        "{version:?} seed {seed} step {step}: IAR returned {id} \
                         (enabled {enabled}, pending {pending}, active {active})"
                    );
                    assert!(
                        bit_of(&mut g, version, GICD_ISACTIVER, id),
                        "acked => active"
                    );
                    acked.push(id);
                    total_acked += 1;
                } else {
                    assert!(id >= 1020, "{version:?} seed {seed}: IAR returned {id}");
                }
                if rng.below(2) == 0
                    && let Some(id) = acked.pop()
                {
                    eoi(&mut g, version, id);
                }
            }
        }
        assert!(
            total_acked > SEEDS,
            "{version:?}: the property was almost vacuous ({total_acked})"
        );
    }
}

#[test]
fn acknowledging_and_eoi_of_everything_leaves_running_priority_idle() {
    for version in [Version::V2, Version::V3] {
        let mut total_handled = 0;
        for seed in 0..SEEDS {
            let mut rng = Rng(seed ^ 0x5eed);
            let mut g = setup(version);
            for _ in 0..STEPS / 2 {
                random_mutation(&mut g, version, &mut rng);
            }
            // Edge everything so that an acknowledge consumes the pending state for good.
            for n in 32..NR_IRQS {
                g.set_line(C0, n, false);
            }
            for word in 2..NR_IRQS / 16 {
                wd(&mut g, GICD_ICFGR + 4 * word, 0xaaaa_aaaa);
            }
            for n in 16..32 {
                g.set_line(C0, n, false);
            }
            let mut stack = Vec::new();
            let mut handled = 0;
            for _ in 0..10_000 {
                let id = ack(&mut g, version);
                if id < 1020 {
                    stack.push(id);
                    handled += 1;
                } else if let Some(top) = stack.pop() {
                    eoi(&mut g, version, top);
                } else {
                    break;
                }
            }
            assert!(
                stack.is_empty(),
                "{version:?} seed {seed}: nested handling did not finish"
            );
            total_handled += handled;
            assert_eq!(
                running_priority(&mut g, version),
                0xff,
                "{version:?} seed {seed}: running priority after {handled} interrupts"
            );
            for n in 0..NR_IRQS {
                assert!(
                    !bit_of(&mut g, version, GICD_ISACTIVER, n),
                    "{version:?} seed {seed}: {n} still active"
                );
            }
        }
        assert!(
            total_handled > SEEDS,
            "{version:?}: almost vacuous ({total_handled})"
        );
    }
}

#[test]
fn mmio_never_panics_and_reads_fit_the_access_width() {
    let configs = [
        GicConfig::new(Version::V2, 3, 1, 4),
        GicConfig::new(Version::V3, 2, 31, 8),
        GicConfig {
            version: Version::V2,
            cpus: 0,
            it_lines: 255,
            pri_bits: 200,
            iidr: 1,
        },
    ];
    for (i, config) in configs.into_iter().enumerate() {
        let mut g = Gic::new(config);
        let mut rng = Rng(i as u64);
        for _ in 0..20_000 {
            let cpu = CpuId(rng.below(4) as u8);
            let frame = match rng.below(4) {
                0 => Frame::Distributor,
                1 => Frame::CpuInterface,
                2 => Frame::Redistributor(CpuId(rng.below(4) as u8)),
                _ => Frame::RedistributorSgi(CpuId(rng.below(4) as u8)),
            };
            let offset = if rng.below(2) == 0 {
                rng.below(0x1_0000) as u32
            } else {
                rng.next() as u32
            };
            let width = [1u8, 2, 3, 4, 8, 16][rng.below(6) as usize];
            if rng.below(2) == 0 {
                g.mmio_write(cpu, frame, offset, width, rng.next());
            } else {
                let v = g.mmio_read(cpu, frame, offset, width);
                if width < 8 {
                    assert!(
                        v < 1u64 << (8 * u32::from(width)),
                        "{frame:?}+{offset:#x}/{width}"
                    );
                }
            }
            let reg = [
                Sysreg::Iar1,
                Sysreg::Eoir1,
                Sysreg::Dir,
                Sysreg::Sgi1r,
                Sysreg::Ap1r0,
            ][rng.below(5) as usize];
            g.sysreg_write(cpu, reg, rng.next());
            g.sysreg_read(cpu, reg);
            g.set_line(cpu, rng.below(1100) as u32, rng.below(2) == 0);
        }
        assert!(g.take_ignored().len() <= reference_vgic::MAX_IGNORED);
    }
}
