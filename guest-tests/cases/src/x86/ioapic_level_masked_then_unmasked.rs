//! `x86.ioapic-level-masked-then-unmasked`: pin 3 level, masked, vector 0x65; the line goes
//! high: nothing is taken; after unmasking 0x65 is taken.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.4 (mask bit; a level-sensitive input still
//! asserted when unmasked is delivered).
//!
//! Expected: window 1 empty; window 2 takes 0x65. Why: drivers mask a level line in the handler
//! and unmask it later; the pending level must not be lost.

use guest_kit::inject::{Inject, Injection};
use guest_kit::regs::ioapic::Redirection;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-level-masked-then-unmasked",
    title: "a level line asserted while masked is delivered on unmask",
    spec: "82093AA 3.2.4",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::IOAPIC
    },
    run,
};

const V: Vector = Vector::new(0x65);

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    let rte = Redirection::fixed(V.raw(), dest).with(Redirection::LEVEL);
    util::set_rte(ctx, LINE_PIN, rte.with(Redirection::MASKED));
    if !ctx.inject(Inject::Line {
        intid: LINE_PIN.into(),
        high: true,
    }) {
        return;
    }
    let held = ctx.take_interrupts();
    ctx.check("masked-holds", held.is_empty());
    util::set_rte(ctx, LINE_PIN, rte);
    let taken = ctx.take_interrupts();
    ctx.check_eq("delivered-on-unmask", util::packed(&taken), 0x65);
    ctx.inject(Inject::Line {
        intid: LINE_PIN.into(),
        high: false,
    });
    ctx.lapic_eoi();
}
