//! `gic.spurious-when-idle`: an acknowledge with nothing pending returns the spurious INTID
//! 1023 and changes no state.
//!
//! Spec: IHI 0048B §3.2.5 (special interrupt numbers: 1023 when there is no pending interrupt
//! of sufficient priority) and §4.4.4 (GICC_IAR); IHI 0069H §2.2.1 (special INTIDs) and §12.2
//! (ICC_IAR1_EL1).
//!
//! Expected: the acknowledge reads exactly 1023 (no source CPU bits), the highest priority
//! pending interrupt reads 1023, and the running priority stays idle (0xff). Why: guest
//! interrupt handlers loop until they read 1023; a vGIC that returns anything else (0, a stale
//! INTID) makes them spin or handle a phantom interrupt.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.spurious-when-idle",
    title: "acknowledge with nothing pending returns 1023 and leaves the CPU interface idle",
    spec: "IHI 0048B 3.2.5, 4.4.4; IHI 0069H 2.2.1, 12.2 (ICC_IAR1_EL1)",
    needs: Needs::ANY_GIC,
    run,
};

const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    let iar = ctx.ack_raw();
    ctx.check_eq("ack-spurious", iar.into(), SPURIOUS);
    let hppir = ctx.hppir();
    ctx.check_eq("hppir-spurious", hppir.raw().into(), SPURIOUS);
    let rpr = ctx.running_priority();
    ctx.check_eq("rpr-idle", rpr.into(), 0xff);
}
