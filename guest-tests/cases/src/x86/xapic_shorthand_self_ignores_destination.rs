//! `x86.xapic-shorthand-self-ignores-destination`: a fixed IPI 0x5e with shorthand Self and
//! destination = CPU 1's APIC ID is taken by CPU 0 only.
//!
//! Spec: Intel SDM vol. 3 §11.6.1 (shorthand 01b: self; the destination field is not used).
//!
//! Expected: CPU 0 takes 0x5e; CPU 1's window empty. Why: a virtual APIC that routes by the
//! destination field first sends it to the wrong CPU.

use guest_kit::regs::lapic::{DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-shorthand-self-ignores-destination",
    title: "the Self shorthand ignores a destination naming another CPU",
    spec: "Intel SDM vol. 3 11.6.1",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x5e);

fn run(ctx: &mut Ctx<'_>) {
    let other_id = util::apic_id(ctx, 1);
    util::send(
        ctx,
        Icr::xapic(DeliveryMode::Fixed, V.raw(), Shorthand::SelfOnly, other_id),
    );
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("sender-takes", own, 0x5e);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("named-cpu-skipped", other, 0);
}
