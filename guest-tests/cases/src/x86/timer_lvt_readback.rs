//! `x86.timer-lvt-readback`: LVT timer written periodic, masked, vector 0x65, with bit 12 set,
//! reads back periodic, masked, 0x65, bit 12 clear.
//!
//! Spec: Intel SDM vol. 3 §11.5.1 (LVT timer: vector, delivery status RO, mask, timer mode bits
//! 18:17), §11.5.4.
//!
//! Expected: 0x3_0065. Why: the mode field selects one-shot or periodic; a lost mode bit turns
//! a periodic tick into one interrupt.

use guest_kit::regs::lapic::{self, TimerMode};
use guest_kit::{Case, Ctx, Needs, Vector};

/// The case.
pub const CASE: Case = Case {
    id: "x86.timer-lvt-readback",
    title: "the LVT timer entry reads back its mode, mask and vector; delivery status is read only",
    spec: "Intel SDM vol. 3 11.5.1, 11.5.4",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let value = TimerMode::Periodic.lvt(Vector::new(0x65)) | lapic::LVT_MASKED;
    ctx.lapic_write(lapic::LVT_TIMER, value | lapic::LVT_SEND_PENDING);
    let got = ctx.lapic_read(lapic::LVT_TIMER);
    ctx.check_eq("lvt-timer-readback", got.into(), value.into());
}
