//! `x86.ioapic-edge-coalesces-in-service`: pin 3 edge, vector 0x67: the first pulse is taken
//! and left in service; two more pulses set IRR bit 0x67 once; after the EOI it is taken
//! exactly once more.
//!
//! Spec: Intel SDM vol. 3 §11.8.4 (one IRR bit per vector), 82093AA §3.2.4 (each edge sends a
//! message).
//!
//! Expected: 0x67, IRR 1, then 0x67 once, then nothing. Why: interrupt storms and lost
//! interrupts both come from miscounting edges during the handler.

use guest_kit::inject::Injection;
use guest_kit::regs::ioapic::Redirection;
use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-edge-coalesces-in-service",
    title: "edges while the vector is in service coalesce into one more delivery",
    spec: "82093AA 3.2.4; Intel SDM vol. 3 11.8.4",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::IOAPIC
    },
    run,
};

const V: Vector = Vector::new(0x67);

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    util::set_rte(ctx, LINE_PIN, Redirection::fixed(V.raw(), dest));
    if !util::pulse(ctx, LINE_PIN) {
        return;
    }
    let first = ctx.take_interrupts();
    ctx.check_eq("first", util::packed(&first), 0x67);
    util::pulse(ctx, LINE_PIN);
    util::pulse(ctx, LINE_PIN);
    let pending = util::bit(ctx, lapic::IRR, V);
    ctx.check_eq("pending-once", pending, 1);
    ctx.lapic_eoi();
    let second = util::take_and_eoi(ctx);
    ctx.check_eq("delivered-once-more", second, 0x67);
    let none = ctx.take_interrupts();
    ctx.check("then-nothing", none.is_empty());
}
