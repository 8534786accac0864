//! `x86.xapic-shorthand-all-including-self`: a fixed IPI 0x5c with shorthand All Including Self
//! is taken by CPU 0 and CPU 1.
//!
//! Spec: Intel SDM vol. 3 §11.6.1 (ICR destination shorthand 10b: all including self; the
//! destination field is ignored).
//!
//! Expected: both windows take 0x5c. Why: shorthands are decoded apart from the destination
//! field; each needs its own check.

use guest_kit::regs::lapic::Shorthand;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-shorthand-all-including-self",
    title: "the All Including Self shorthand reaches every CPU",
    spec: "Intel SDM vol. 3 11.6.1",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x5c);

fn run(ctx: &mut Ctx<'_>) {
    util::shorthand_ipi(ctx, V, Shorthand::AllIncludingSelf);
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("sender-takes", own, 0x5c);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("cpu1-takes", other, 0x5c);
}
