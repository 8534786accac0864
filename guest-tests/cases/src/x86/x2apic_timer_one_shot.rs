//! `x86.x2apic-timer-one-shot`: divide by 1, LVT timer one-shot 0x77, initial count 1000
//! through MSRs: 0x77 is taken and the current count reads 0.
//!
//! Spec: Intel SDM vol. 3 §11.5.4 (one-shot), §11.12.1.2 (LVT timer 0x832, initial count 0x838,
//! current count 0x839, divide 0x83e).
//!
//! Expected: 0x77 taken; current count 0. Why: the timer's MSR aliases are separate handlers in
//! every hypervisor.

use guest_kit::regs::lapic::{self, TimerMode};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-timer-one-shot",
    title: "the timer programmed through x2APIC MSRs fires once",
    spec: "Intel SDM vol. 3 11.5.4, 11.12.1.2",
    needs: Needs::X2APIC,
    run,
};

const V: Vector = Vector::new(0x77);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    ctx.wrmsr(
        lapic::x2apic_msr(lapic::TIMER_DIVIDE),
        lapic::DIVIDE_BY_1.into(),
    );
    ctx.wrmsr(
        lapic::x2apic_msr(lapic::LVT_TIMER),
        TimerMode::OneShot.lvt(V).into(),
    );
    ctx.wrmsr(lapic::x2apic_msr(lapic::TIMER_INITIAL), 1000);
    util::x2_wait_pending(ctx, V);
    let got = util::x2_take_and_eoi(ctx);
    ctx.check_eq("fired", got, 0x77);
    let current = ctx.rdmsr(lapic::x2apic_msr(lapic::TIMER_CURRENT));
    ctx.check_eq("current-count-zero", current, 0);
}
