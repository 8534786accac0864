//! `x86.timer-tsc-deadline-arm-disarm`: in TSC-deadline mode, a deadline of 2^62 reads back
//! 2^62; after writing 0 it reads 0 and no interrupt arrives. Skipped without TSC-deadline
//! support.
//!
//! Spec: Intel SDM vol. 3 §11.5.4.1 (writing a non-zero value arms the timer; writing 0 disarms
//! it; the MSR reads back the armed deadline).
//!
//! Expected: 2^62, then 0; window empty. Why: kernels re-arm by rewriting the MSR and cancel
//! with 0.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.timer-tsc-deadline-arm-disarm",
    title: "IA32_TSC_DEADLINE reads back a future deadline and 0 after it is disarmed",
    spec: "Intel SDM vol. 3 11.5.4.1",
    needs: Needs::X86,
    run,
};

const FAR: u64 = 1 << 62;

fn run(ctx: &mut Ctx<'_>) {
    if !util::tsc_deadline_mode(ctx, Vector::new(0x76)) {
        return;
    }
    ctx.wrmsr(lapic::IA32_TSC_DEADLINE, FAR);
    let armed = ctx.rdmsr(lapic::IA32_TSC_DEADLINE);
    ctx.check_eq("armed-readback", armed, FAR);
    ctx.wrmsr(lapic::IA32_TSC_DEADLINE, 0);
    let disarmed = ctx.rdmsr(lapic::IA32_TSC_DEADLINE);
    ctx.check_eq("disarmed", disarmed, 0);
    let taken = ctx.take_interrupts();
    ctx.check("nothing-fires", taken.is_empty());
}
