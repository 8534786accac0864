//! `x86.ioapic-rte-per-pin`: each pin is written masked with vector 0x20 + pin; reading all
//! back finds every vector in its own entry.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.4 (one 64-bit entry per pin at indices 0x10 +
//! 2n).
//!
//! Expected: 0 mismatches. Why: an off-by-one in the index decoding shifts every route.

use guest_kit::regs::ioapic::Redirection;
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-rte-per-pin",
    title: "every redirection entry is separate storage",
    spec: "82093AA 3.2.4",
    needs: Needs::IOAPIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let pins = ctx.info().x86.ioapic_pins.min(0x60);
    for pin in 0..pins {
        let rte = Redirection::fixed(0x20 + pin, 0).with(Redirection::MASKED);
        util::set_rte(ctx, pin, rte);
    }
    let mut mismatches = 0u64;
    for pin in 0..pins {
        let low = util::rte_low(ctx, pin);
        mismatches += u64::from(Redirection(low.into()).vector() != 0x20 + pin);
    }
    ctx.check_eq("mismatches", mismatches, 0);
}
