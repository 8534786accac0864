//! `x86.xapic-irr-coalesces`: two self-IPIs 0x54 sent while interrupts are off are taken once;
//! the next window is empty.
//!
//! Spec: Intel SDM vol. 3 §11.8.4 (IRR holds one bit per vector: a second request of a pending
//! vector is absorbed).
//!
//! Expected: window 1 takes exactly 0x54; window 2 empty. Why: a hypervisor that queues
//! injections per event instead of per vector delivers twice.

use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-irr-coalesces",
    title: "two sends of one vector before a window are taken once",
    spec: "Intel SDM vol. 3 11.8.4",
    needs: Needs::X86,
    run,
};

const V: Vector = Vector::new(0x54);

fn run(ctx: &mut Ctx<'_>) {
    util::self_ipi(ctx, V);
    util::self_ipi(ctx, V);
    let got = util::take_and_eoi(ctx);
    ctx.check_eq("taken-once", got, 0x54);
    let again = ctx.take_interrupts();
    ctx.check("nothing-more", again.is_empty());
}
