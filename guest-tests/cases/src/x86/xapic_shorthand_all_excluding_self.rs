//! `x86.xapic-shorthand-all-excluding-self`: a fixed IPI 0x5d with shorthand All Excluding Self
//! is taken by CPU 1 and not by CPU 0.
//!
//! Spec: Intel SDM vol. 3 §11.6.1 (ICR destination shorthand 11b: all excluding self).
//!
//! Expected: CPU 0's window empty; CPU 1's takes 0x5d. Why: the most common IPI shape of an SMP
//! kernel (call-function on all others).

use guest_kit::regs::lapic::Shorthand;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-shorthand-all-excluding-self",
    title: "the All Excluding Self shorthand skips the sender",
    spec: "Intel SDM vol. 3 11.6.1",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x5d);

fn run(ctx: &mut Ctx<'_>) {
    util::shorthand_ipi(ctx, V, Shorthand::AllExcludingSelf);
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("sender-skipped", own, 0);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("cpu1-takes", other, 0x5d);
}
