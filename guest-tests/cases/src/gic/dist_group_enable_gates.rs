//! `gic.dist-group-enable-gates`: with the distributor's group enable cleared, a pending and
//! enabled SPI is not signalled and stays pending; restoring the enable delivers it.
//!
//! Spec: IHI 0048B §4.3.1 (GICD_CTLR.EnableGrp0/EnableGrp1: when disabled, pending interrupts
//! of the group are not forwarded to the CPU interfaces) and §3.2.4; IHI 0069H §12.9.4
//! (GICD_CTLR with DS = 1: EnableGrp1, RWP) and §4.1.2.
//!
//! Expected: the interrupts' group enable (Group 0 on GICv2, Group 1 on GICv3 after the kit's
//! reset) is cleared and, on GICv3, RWP is awaited; the SPI is made pending, the acknowledge
//! returns 1023 and it reads pending; with the enable restored the acknowledge returns the SPI.
//! Why: guests disable the distributor around reconfiguration; a vGIC that injects from its
//! own queues without looking at the guest's GICD_CTLR delivers interrupts into that window.

use guest_kit::regs::gicd::{self, Ctlr};
use guest_kit::{Case, Ctx, IntId, Needs, Site};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.dist-group-enable-gates",
    title: "GICD_CTLR group enable clear: a pending SPI is not signalled, then delivered",
    spec: "IHI 0048B 4.3.1, 3.2.4; IHI 0069H 12.9.4, 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(9);
const CTLR: Site = Site::Gicd(gicd::CTLR);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    let on = if ctx.info().gic.has_sysregs() {
        Ctlr::ARE | Ctlr::ENABLE_GRP1
    } else {
        Ctlr::ENABLE_GRP0 | Ctlr::ENABLE_GRP1
    };
    let off = on & Ctlr::ARE;
    ctx.write32(CTLR, off.bits());
    wait::until_all_clear(ctx, CTLR, Ctlr::RWP.bits());
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let got = ctx.ack();
    ctx.check_eq("not-signalled-while-disabled", got.raw().into(), SPURIOUS);
    let pending = ctx.is_pending(SPI);
    ctx.check("still-pending", pending);
    ctx.write32(CTLR, on.bits());
    wait::until_all_clear(ctx, CTLR, Ctlr::RWP.bits());
    let got = ctx.ack_when_pending();
    ctx.check_eq("delivered-after-enable", got.raw().into(), SPI.raw().into());
    ctx.eoi(SPI);
}
