//! `x86.timer-tsc-deadline-ignores-initial-count`: in TSC-deadline mode, initial count written
//! 1000 reads 0 and the current count reads 0. Skipped without TSC-deadline support.
//!
//! Spec: Intel SDM vol. 3 §11.5.4.1 (in TSC-deadline mode writes to the initial-count register
//! are ignored and the current-count register always reads 0).
//!
//! Expected: 0 and 0. Why: a hypervisor that keeps one timer model for all modes lets the count
//! run in deadline mode.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.timer-tsc-deadline-ignores-initial-count",
    title: "in TSC-deadline mode the initial count ignores writes and the current count reads 0",
    spec: "Intel SDM vol. 3 11.5.4.1",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    if !util::tsc_deadline_mode(ctx, Vector::new(0x75)) {
        return;
    }
    ctx.lapic_write(lapic::TIMER_INITIAL, 1000);
    let initial = ctx.lapic_read(lapic::TIMER_INITIAL);
    ctx.check_eq("initial-count-ignored", initial.into(), 0);
    let current = ctx.lapic_read(lapic::TIMER_CURRENT);
    ctx.check_eq("current-count-zero", current.into(), 0);
}
