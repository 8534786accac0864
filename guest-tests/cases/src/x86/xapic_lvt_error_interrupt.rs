//! `x86.xapic-lvt-error-interrupt`: with LVT Error = 0xe3 unmasked, a self-IPI with illegal
//! vector 3 makes the window take 0xe3.
//!
//! Spec: Intel SDM vol. 3 §11.5.3 (an error sets an ESR bit and generates the interrupt the LVT
//! Error entry names, when unmasked).
//!
//! Expected: the window takes 0xe3. Why: the error interrupt is how guests learn of APIC
//! errors; it must be raised by the emulated error, not only by hardware.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-lvt-error-interrupt",
    title: "an APIC error raises the LVT Error vector",
    spec: "Intel SDM vol. 3 11.5.3",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::LVT_ERROR, 0xe3);
    ctx.lapic_write(lapic::ESR, 0);
    util::self_ipi(ctx, Vector::new(3));
    let got = util::take_and_eoi(ctx);
    ctx.check_eq("error-vector-taken", got, 0xe3);
    ctx.lapic_write(lapic::LVT_ERROR, lapic::LVT_MASKED);
    ctx.lapic_write(lapic::ESR, 0);
}
