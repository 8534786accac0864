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

use guest_kit::gic::PENDING_POLLS;
use guest_kit::regs::gicr::{self, Waker};
use guest_kit::{Allowed, Case, Ctx, Needs, RdFrame, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v3-gicr-waker",
    title: "GICR_WAKER reads ProcessorSleep = 0 and ChildrenAsleep = 0 once awake",
    spec: "IHI 0069H 12.11.44, 11.1",
    needs: Needs::GICV3,
    run,
};

const WAKER: Site = Site::Gicr {
    cpu: 0,
    frame: RdFrame::Rd,
    offset: gicr::WAKER,
};
const AWAKE: Allowed = Allowed::Fixed {
    mask: (Waker::PROCESSOR_SLEEP.bits() | Waker::CHILDREN_ASLEEP.bits()) as u64,
    value: 0,
};

fn run(ctx: &mut Ctx<'_>) {
    let asleep = u64::from(Waker::CHILDREN_ASLEEP.bits());
    for _ in 0..PENDING_POLLS {
        match ctx.raw().read(WAKER, Width::B32) {
            Ok(v) if v & asleep != 0 => ctx.delay(),
            _ => break,
        }
    }
    ctx.read_impl("gicr-waker-awake", WAKER, Width::B32, AWAKE);
}
