//! `gic.cpuif-group-enable-gates`: with the CPU interface's group enable cleared, a pending
//! and enabled SPI is not signalled and stays pending; restoring the enable delivers it.
//!
//! Spec: IHI 0048B §4.4.1 (GICC_CTLR.EnableGrp0: when 0 the CPU interface does not signal
//! Group 0 interrupts) and §4.4.4 (GICC_IAR returns 1023 when no signalled interrupt);
//! IHI 0069H §12.2 (ICC_IGRPEN1_EL1.Enable, ICC_IAR1_EL1) and §4.1.
//!
//! Expected: GICC_CTLR.EnableGrp0 = 0 (GICv2, the reset puts every interrupt in Group 0) or
//! ICC_IGRPEN1_EL1 = 0 (GICv3); the SPI is made pending, the acknowledge returns 1023 and it
//! reads pending; with the enable back the acknowledge returns the SPI. Why: the CPU interface
//! enable lives in ICH_VMCR on a vGIC; a hypervisor that forgets to honour VENG0/VENG1 when it
//! fills list registers delivers interrupts the guest switched off.

use guest_kit::regs::gicc::{self, Ctlr};
use guest_kit::{Case, Ctx, IccReg, IntId, Needs, Site};

/// The case.
pub const CASE: Case = Case {
    id: "gic.cpuif-group-enable-gates",
    title: "CPU interface group enable clear: a pending SPI is not signalled, then delivered",
    spec: "IHI 0048B 4.4.1, 4.4.4; IHI 0069H 12.2 (ICC_IGRPEN1_EL1), 4.1",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(10);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn set_enable(ctx: &mut Ctx<'_>, on: bool) {
    if ctx.info().gic.has_sysregs() {
        let site = Site::Icc(IccReg::Igrpen1);
        ctx.write(site, ctx.cpuif_width(), on.into());
    } else {
        let grp0 = if on { Ctlr::ENABLE_GRP0 } else { Ctlr::empty() };
        ctx.write32(Site::Gicc(gicc::CTLR), (grp0 | Ctlr::ENABLE_GRP1).bits());
    }
}

fn run(ctx: &mut Ctx<'_>) {
    set_enable(ctx, false);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let got = ctx.ack();
    ctx.check_eq("not-signalled-while-disabled", got.raw().into(), SPURIOUS);
    let pending = ctx.is_pending(SPI);
    ctx.check("still-pending", pending);
    set_enable(ctx, true);
    let got = ctx.ack_when_pending();
    ctx.check_eq("delivered-after-enable", got.raw().into(), SPI.raw().into());
    ctx.eoi(SPI);
}
