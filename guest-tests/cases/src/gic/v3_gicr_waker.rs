//! `gic.v3-gicr-waker`: with GICR_WAKER.ProcessorSleep = 0 the redistributor reports its
//! children awake (ChildrenAsleep = 0).
//!
//! Spec: IHI 0069H §12.11.44 (GICR_WAKER: ProcessorSleep [1], ChildrenAsleep [2] is RO and
//! reads 0 once the interface is awake; bits [0] and [31] are IMPLEMENTATION DEFINED) and §11.1
//! (power management: software clears ProcessorSleep and waits for ChildrenAsleep to clear).
//!
//! Expected: after the reset (which writes ProcessorSleep = 0) and a bounded wait, GICR_WAKER
//! reads with bits [2:1] = 0b00; the rest is recorded. Why: every GICv3 guest's boot path spins
//! on ChildrenAsleep; a vGIC that never clears it hangs the guest before its first interrupt.

use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "gic.v3-gicr-waker",
    title: "GICR_WAKER reads ProcessorSleep = 0 and ChildrenAsleep = 0 once awake",
    spec: "IHI 0069H 12.11.44, 11.1",
    needs: Needs::GICV3,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    util::record_waker_awake(ctx, 0, "gicr-waker-awake");
}
