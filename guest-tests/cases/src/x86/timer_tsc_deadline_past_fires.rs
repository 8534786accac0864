//! `x86.timer-tsc-deadline-past-fires`: in TSC-deadline mode (vector 0x74) a deadline of 1
//! makes 0x74 pending and taken, and IA32_TSC_DEADLINE then reads 0. Skipped without
//! TSC-deadline support (CPUID.01H:ECX[24]).
//!
//! Spec: Intel SDM vol. 3 §11.5.4.1 (TSC-deadline mode: the timer fires when the TSC reaches
//! IA32_TSC_DEADLINE, which is then cleared; a deadline already passed fires immediately).
//!
//! Expected: 0x74 taken; MSR 0x6e0 reads 0. Why: Linux uses TSC-deadline whenever offered;
//! hypervisors emulate it with host timers that can miss past deadlines.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.timer-tsc-deadline-past-fires",
    title: "a TSC deadline in the past fires at once and IA32_TSC_DEADLINE reads 0 after",
    spec: "Intel SDM vol. 3 11.5.4.1",
    needs: Needs::X86,
    run,
};

const V: Vector = Vector::new(0x74);

fn run(ctx: &mut Ctx<'_>) {
    if !util::tsc_deadline_mode(ctx, V) {
        return;
    }
    ctx.wrmsr(lapic::IA32_TSC_DEADLINE, 1);
    util::wait_pending(ctx, V);
    let got = util::take_and_eoi(ctx);
    ctx.check_eq("fired", got, 0x74);
    let deadline = ctx.rdmsr(lapic::IA32_TSC_DEADLINE);
    ctx.check_eq("deadline-cleared", deadline, 0);
}
