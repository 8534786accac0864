//! Bringing the interrupt controller to a known state between cases (DESIGN.md, "Guests": "the
//! kit resets the interrupt controller between cases").
//!
//! The same procedure runs on the target and on the host model, untraced, so both start every
//! case from the same state: every interrupt disabled, inactive, not pending, priority
//! [`DEFAULT_PRIORITY`], Group 0 on GICv2 and Group 1 on GICv3, SPIs edge-triggered and routed to
//! CPU 0; active priorities cleared; distributor and CPU interface enabled, priority mask open,
//! EOImode 0, binary point 0; the virtual timer off.

use crate::regs::{gicc, gicd, gicr};
use crate::{IccReg, Platform, RdFrame, Site, TimerReg, Width};

/// The priority every interrupt gets at reset.
pub const DEFAULT_PRIORITY: u8 = 0xa0;

/// Resets the interrupt controller of `p` to the state the module doc describes.
pub fn quiesce(p: &mut dyn Platform) {
    let info = p.info();
    let v3 = info.gic.has_sysregs();
    let banks = (info.it_lines as u32 + 1).min(32);
    let prio_word = u32::from_ne_bytes([DEFAULT_PRIORITY; 4]) as u64;
    let w = |p: &mut dyn Platform, site, value: u64| {
        let _ = p.write(site, Width::B32, value);
    };

    let _ = p.write(Site::Timer(TimerReg::Ctl), Width::B64, 0);
    if v3 {
        w(
            p,
            Site::Gicr {
                cpu: 0,
                frame: RdFrame::Rd,
                offset: gicr::WAKER,
            },
            0,
        );
    }
    // Distributor: every bank, private banks included on GICv2.
    for n in 0..banks {
        let first = if v3 { 1 } else { 0 };
        if n < first {
            continue;
        }
        let reg = |bank: crate::regs::IrqBank| Site::Gicd(bank.base + 4 * n);
        w(p, reg(gicd::ICENABLER), u32::MAX.into());
        w(p, reg(gicd::ICPENDR), u32::MAX.into());
        w(p, reg(gicd::ICACTIVER), u32::MAX.into());
        w(p, reg(gicd::IGROUPR), if v3 { u32::MAX.into() } else { 0 });
    }
    for word in 0..banks * 8 {
        if !(v3 && word < 8) {
            w(p, Site::Gicd(gicd::IPRIORITYR.base + 4 * word), prio_word);
        }
    }
    for word in 2..banks * 2 {
        w(p, Site::Gicd(gicd::ICFGR.base + 4 * word), 0xaaaa_aaaa);
    }
    if v3 {
        for spi in 32..32 * banks {
            let _ = p.write(Site::Gicd(gicd::IROUTER + 8 * spi), Width::B64, 0);
        }
    } else {
        for word in 8..banks * 8 {
            w(p, Site::Gicd(gicd::ITARGETSR.base + 4 * word), 0x0101_0101);
        }
    }
    if v3 {
        let sgi = |offset| Site::Gicr {
            cpu: 0,
            frame: RdFrame::Sgi,
            offset,
        };
        w(p, sgi(gicr::ICENABLER0.base), u32::MAX.into());
        w(p, sgi(gicr::ICPENDR0.base), u32::MAX.into());
        w(p, sgi(gicr::ICACTIVER0.base), u32::MAX.into());
        w(p, sgi(gicr::IGROUPR0.base), u32::MAX.into());
        for word in 0..8 {
            w(p, sgi(gicr::IPRIORITYR.base + 4 * word), prio_word);
        }
        let ctlr = gicd::Ctlr::ARE | gicd::Ctlr::ENABLE_GRP1;
        w(p, Site::Gicd(gicd::CTLR), ctlr.bits().into());
        wait_rwp(p);
        let sys = |p: &mut dyn Platform, reg, value| {
            let _ = p.write(Site::Icc(reg), Width::B64, value);
        };
        sys(p, IccReg::Ap1r0, 0);
        sys(p, IccReg::Ctlr, 0);
        sys(p, IccReg::Bpr1, 0);
        sys(p, IccReg::Pmr, 0xff);
        sys(p, IccReg::Igrpen1, 1);
    } else {
        let ctlr = gicd::Ctlr::ENABLE_GRP0 | gicd::Ctlr::ENABLE_GRP1;
        w(p, Site::Gicd(gicd::CTLR), ctlr.bits().into());
        w(p, Site::Gicc(gicc::APR0), 0);
        w(p, Site::Gicc(gicc::BPR), 0);
        w(p, Site::Gicc(gicc::PMR), 0xff);
        let ctlr = gicc::Ctlr::ENABLE_GRP0 | gicc::Ctlr::ENABLE_GRP1;
        w(p, Site::Gicc(gicc::CTLR), ctlr.bits().into());
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
