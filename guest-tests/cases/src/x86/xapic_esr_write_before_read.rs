//! `x86.xapic-esr-write-before-read`: after clearing ESR and sending a self-IPI with vector 4,
//! ESR reads 0 until written; after the write it shows bit 5; after another write it reads 0.
//!
//! Spec: Intel SDM vol. 3 §11.5.3 (the ESR is updated by a write: software writes it just
//! before reading it; the write also clears the errors it latched before).
//!
//! Expected: ESR bit 5: 0, then 1, then 0. Why: the write-then-read protocol is what every
//! guest's error handler follows; an ESR that updates at once or never clears misreports
//! errors.

use guest_kit::regs::lapic::{self, esr};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-esr-write-before-read",
    title: "ESR shows an error only after a write, and the next write clears it",
    spec: "Intel SDM vol. 3 11.5.3",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::ESR, 0);
    ctx.lapic_write(lapic::ESR, 0);
    util::self_ipi(ctx, Vector::new(4));
    let send = esr::SEND_ILLEGAL_VECTOR;
    let before = ctx.lapic_read(lapic::ESR);
    ctx.check_eq("not-visible-before-write", (before & send).into(), 0);
    ctx.lapic_write(lapic::ESR, 0);
    let latched = ctx.lapic_read(lapic::ESR);
    ctx.check_eq("visible-after-write", (latched & send).into(), send.into());
    ctx.lapic_write(lapic::ESR, 0);
    let cleared = ctx.lapic_read(lapic::ESR);
    ctx.check_eq("cleared-by-next-write", (cleared & send).into(), 0);
    let taken = ctx.take_interrupts();
    ctx.check("illegal-vector-not-delivered", taken.is_empty());
}
