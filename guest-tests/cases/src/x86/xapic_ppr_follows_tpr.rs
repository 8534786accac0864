//! `x86.xapic-ppr-follows-tpr`: TPR reads back what was written (0x35) and PPR equals it while
//! nothing is in service; both return to 0.
//!
//! Spec: Intel SDM vol. 3 §11.8.3 (TPR), §11.8.3.1 (PPR: TPR when TPR[7:4] >= ISRV[7:4]; ISRV =
//! 0 when nothing is in service).
//!
//! Expected: TPR 0x35 and PPR 0x35, then TPR 0 and PPR 0. Why: PPR is what gates delivery; a
//! hypervisor that shadows TPR must keep PPR in step.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-ppr-follows-tpr",
    title: "with nothing in service PPR equals TPR",
    spec: "Intel SDM vol. 3 11.8.3, 11.8.3.1",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::TPR, 0x35);
    let tpr = ctx.lapic_read(lapic::TPR);
    ctx.check_eq("tpr-readback", tpr.into(), 0x35);
    let ppr = ctx.lapic_read(lapic::PPR);
    ctx.check_eq("ppr-equals-tpr", ppr.into(), 0x35);
    ctx.lapic_write(lapic::TPR, 0);
    let ppr = ctx.lapic_read(lapic::PPR);
    ctx.check_eq("ppr-zero-with-tpr-zero", ppr.into(), 0);
}
