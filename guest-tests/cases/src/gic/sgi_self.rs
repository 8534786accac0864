//! `gic.sgi-self`: an SGI sent to the sending CPU is delivered to it.
//!
//! Spec: IHI 0048B §4.3.15 (GICD_SGIR, TargetListFilter = 0b10 "forward only to the CPU
//! interface of the processor that requested the interrupt") and §4.4.4 (GICC_IAR.CPUID names
//! the requesting CPU); IHI 0069H §12.2.22 (ICC_SGI1R_EL1 with the sender's own Aff0 bit in the
//! target list).
//!
//! Expected: after the SGI is sent, the acknowledge returns its INTID (on GICv2 with CPUID 0, the
//! sender), the SGI is then active and not pending, and after EOI it is inactive. Why: SGIs are
//! how a guest kernel does IPIs; a vGIC that loses or misroutes a self-IPI stalls the guest.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.sgi-self",
    title: "an SGI sent to self is acknowledged with its INTID, then active, then inactive",
    spec: "IHI 0048B 4.3.15, IHI 0069H 12.2.22",
    needs: Needs::ANY_GIC,
    run,
};

const SGI: IntId = IntId::sgi(5);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.send_sgi_to_self(SGI);
    let iar = ctx.ack_when_pending_raw();
    ctx.check_eq("ack-intid", (iar & 0x3ff).into(), SGI.raw().into());
    ctx.check_eq("ack-source-cpu", ((iar >> 10) & 0x7).into(), 0);
    let active = ctx.is_active(SGI);
    ctx.check("active-after-ack", active);
    let pending = ctx.is_pending(SGI);
    ctx.check("not-pending-after-ack", !pending);
    ctx.eoi(SGI);
    let active = ctx.is_active(SGI);
    ctx.check("inactive-after-eoi", !active);
}
