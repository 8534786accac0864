//! `x86.xapic-illegal-vector-not-delivered`: a self-IPI with vector 3 leaves IRR bank 0 empty
//! and the window takes nothing.
//!
//! Spec: Intel SDM vol. 3 §11.5.2 (vectors 0-15 are illegal for the APIC), §11.5.3.
//!
//! Expected: IRR0 reads 0; window empty. Why: delivering vector 3 would raise a breakpoint
//! exception in the guest.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-illegal-vector-not-delivered",
    title: "an IPI with an illegal vector (3) is not delivered",
    spec: "Intel SDM vol. 3 11.5.2, 11.5.3",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    util::self_ipi(ctx, Vector::new(3));
    let irr0 = ctx.lapic_read(lapic::IRR);
    ctx.check_eq("irr-bank0-empty", irr0.into(), 0);
    let taken = ctx.take_interrupts();
    ctx.check("not-delivered", taken.is_empty());
    ctx.lapic_write(lapic::ESR, 0);
}
