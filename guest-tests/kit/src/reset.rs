//! Bringing the interrupt controller to a known state between cases (DESIGN.md, "Guests": "the
//! kit resets the interrupt controller between cases").
//!
//! The same procedure runs on the target and on the host model, untraced, so both start every
//! case from the same state: every interrupt disabled, inactive, not pending, priority
//! [`DEFAULT_PRIORITY`], Group 0 on GICv2 and Group 1 on GICv3, SPIs edge-triggered and routed to
//! CPU 0; on every online CPU: its banked SGIs and PPIs likewise, active priorities cleared,
//! CPU interface enabled with the priority mask open, EOImode 0, binary point 0, the virtual timer
//! off; the distributor enabled; with an ITS, LPIs and the ITS as [`crate::lpi`] lays them out,
//! every LPI disabled and unmapped.
//!
//! On x86_64 the reset is [`crate::x86::quiesce`] (local APICs and the IOAPIC).

use crate::regs::{IrqBank, gicc, gicd, gicr};
use crate::{IccReg, Platform, RdFrame, Site, TimerReg, Width};

/// The priority every interrupt gets at reset.
pub const DEFAULT_PRIORITY: u8 = 0xa0;

const ALL: u64 = u32::MAX as u64;
const PRIORITY_WORD: u64 = u32::from_ne_bytes([DEFAULT_PRIORITY; 4]) as u64;
/// Edge-triggered (Int_config[1] = 1) for 16 interrupts.
const ALL_EDGE: u64 = 0xaaaa_aaaa;

fn w32(p: &mut dyn Platform, site: Site, value: u64) {
    // A reset step the target rejects shows up in the case that depends on it.
    let _ = p.write(site, Width::B32, value);
}

/// Resets the interrupt controller of `p` (every online CPU) to the state the module doc
/// describes.
pub fn quiesce(p: &mut dyn Platform) {
    let info = p.info();
    if info.arch == crate::Arch::X86_64 {
        return crate::x86::quiesce(p);
    }
    let v3 = info.gic.has_sysregs();
    let ctlr = gicd::Ctlr::ARE | gicd::Ctlr::ENABLE_GRP1;
    if v3 {
        // Affinity routing stays on; only the group enable goes off while shared state changes.
        w32(p, Site::Gicd(gicd::CTLR), gicd::Ctlr::ARE.bits().into());
        wait_rwp(p);
    } else {
        w32(p, Site::Gicd(gicd::CTLR), 0);
    }
    shared(p);
    for cpu in 0..info.cpus {
        // A CPU that cannot run the reset fails the case that uses it (`offline`).
        let _ = p.on_cpu(cpu, &mut |p| private(p, cpu));
    }
    if v3 {
        w32(p, Site::Gicd(gicd::CTLR), ctlr.bits().into());
        wait_rwp(p);
        crate::lpi::reset(p);
    } else {
        let ctlr = gicd::Ctlr::ENABLE_GRP0 | gicd::Ctlr::ENABLE_GRP1;
        w32(p, Site::Gicd(gicd::CTLR), ctlr.bits().into());
    }
}

/// The SPIs: distributor banks 1 and up.
fn shared(p: &mut dyn Platform) {
    let info = p.info();
    let v3 = info.gic.has_sysregs();
    let banks = (u32::from(info.it_lines) + 1).min(32);
    let at = |bank: IrqBank, n: u32| Site::Gicd(bank.base + 4 * n);
    for n in 1..banks {
        w32(p, at(gicd::ICENABLER, n), ALL);
        w32(p, at(gicd::ICPENDR, n), ALL);
        w32(p, at(gicd::ICACTIVER, n), ALL);
        w32(p, at(gicd::IGROUPR, n), if v3 { ALL } else { 0 });
    }
    for word in 8..banks * 8 {
        w32(p, at(gicd::IPRIORITYR, word), PRIORITY_WORD);
        if !v3 {
            w32(p, at(gicd::ITARGETSR, word), 0x0101_0101);
        }
    }
    for word in 2..banks * 2 {
        w32(p, at(gicd::ICFGR, word), ALL_EDGE);
    }
    if v3 {
        for spi in 32..32 * banks {
            let _ = p.write(Site::Gicd(gicd::IROUTER + 8 * spi), Width::B64, 0);
        }
    }
}

/// One CPU's banked SGIs and PPIs, CPU interface and timer; runs on that CPU.
fn private(p: &mut dyn Platform, cpu: u8) {
    let v3 = p.info().gic.has_sysregs();
    let _ = p.write(Site::Timer(TimerReg::Ctl), Width::B64, 0);
    // Bank 0 is in the redistributor's SGI frame with affinity routing, in the distributor
    // (banked per CPU) on GICv2.
    let bank0 = |offset| {
        if v3 {
            Site::Gicr {
                cpu,
                frame: RdFrame::Sgi,
                offset,
            }
        } else {
            Site::Gicd(offset)
        }
    };
    if v3 {
        w32(
            p,
            Site::Gicr {
                cpu,
                frame: RdFrame::Rd,
                offset: gicr::WAKER,
            },
            0,
        );
    }
    drop_running_priority(p, &bank0);
    w32(p, bank0(gicd::ICENABLER.base), ALL);
    w32(p, bank0(gicd::ICPENDR.base), ALL);
    w32(p, bank0(gicd::ICACTIVER.base), ALL);
    w32(p, bank0(gicd::IGROUPR.base), if v3 { ALL } else { 0 });
    for word in 0..8 {
        w32(p, bank0(gicd::IPRIORITYR.base + 4 * word), PRIORITY_WORD);
    }
    if v3 {
        let sys = |p: &mut dyn Platform, reg, value| {
            let _ = p.write(Site::Icc(reg), Width::B64, value);
        };
        sys(p, IccReg::Ap1r0, 0);
        sys(p, IccReg::Ctlr, 0);
        sys(p, IccReg::Bpr1, 0);
        sys(p, IccReg::Pmr, 0xff);
        sys(p, IccReg::Igrpen1, 1);
    } else {
        // SGI pending state is per source on GICv2 and cleared through CPENDSGIR, not ICPENDR.
        for word in 0..4 {
            w32(p, Site::Gicd(gicd::CPENDSGIR.base + 4 * word), ALL);
        }
        w32(p, Site::Gicc(gicc::APR0), 0);
        w32(p, Site::Gicc(gicc::BPR), 0);
        w32(p, Site::Gicc(gicc::PMR), 0xff);
        let ctlr = gicc::Ctlr::ENABLE_GRP0 | gicc::Ctlr::ENABLE_GRP1;
        w32(p, Site::Gicc(gicc::CTLR), ctlr.bits().into());
    }
}

/// Ends the handling a case left unfinished on this CPU: while the running priority is not idle,
/// EOIs the highest-priority active interrupt (a priority drop, IHI 0048B §3.3.1 and §4.4.5,
/// IHI 0069H §4.1.1 and ICC_EOIR1_EL1). Clearing GICC_APR0/ICC_AP1R0_EL1 alone is not enough on
/// every implementation. Gives up after a bounded number of rounds (e.g. an LPI, which has no
/// active state to find); the APR write that follows is the last resort.
fn drop_running_priority(p: &mut dyn Platform, bank0: &dyn Fn(u32) -> Site) {
    let v3 = p.info().gic.has_sysregs();
    let lines = 32 * (u32::from(p.info().it_lines) + 1).min(32);
    let (rpr, eoir, width) = if v3 {
        (Site::Icc(IccReg::Rpr), Site::Icc(IccReg::Eoir1), Width::B64)
    } else {
        (Site::Gicc(gicc::RPR), Site::Gicc(gicc::EOIR), Width::B32)
    };
    let at = |bank: u32, offset: u32| {
        if bank == 0 {
            bank0(offset)
        } else {
            Site::Gicd(offset)
        }
    };
    for _ in 0..64 {
        match p.read(rpr, width) {
            Ok(v) if v & 0xff != 0xff => {}
            _ => return,
        }
        let mut best: Option<(u8, u32)> = None;
        for bank in 0..lines / 32 {
            let active = p
                .read(at(bank, gicd::ISACTIVER.base + 4 * bank), Width::B32)
                .unwrap_or(0);
            for intid in (0..32)
                .filter(|b| active >> b & 1 == 1)
                .map(|b| 32 * bank + b)
            {
                let site = at(bank, gicd::IPRIORITYR.base + intid);
                let priority = p.read(site, Width::B8).unwrap_or(0xff) as u8;
                if best.is_none_or(|(p, _)| priority < p) {
                    best = Some((priority, intid));
                }
            }
        }
        let Some((_, intid)) = best else { return };
        let _ = p.write(eoir, width, intid.into());
    }
}

/// Waits (bounded) for GICD_CTLR.RWP to clear after a write that changes enables or routing
/// (IHI 0069H §12.9.4).
fn wait_rwp(p: &mut dyn Platform) {
    for _ in 0..10_000 {
        match p.read(Site::Gicd(gicd::CTLR), Width::B32) {
            Ok(v) if v & u64::from(gicd::Ctlr::RWP.bits()) != 0 => p.delay(),
            _ => return,
        }
    }
}
