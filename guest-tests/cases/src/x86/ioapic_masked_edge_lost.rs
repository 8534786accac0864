//! `x86.ioapic-masked-edge-lost`: pin 3 edge, masked, vector 0x66; the host pulses the line;
//! after unmasking nothing is taken.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.4 (mask: edge-sensitive interrupts signalled on
//! a masked pin are ignored, neither delivered nor held pending).
//!
//! Expected: window empty after the unmask. Why: an emulation that latches the edge (an IRR in
//! the IOAPIC) delivers a stale interrupt on unmask.

use guest_kit::inject::Injection;
use guest_kit::regs::ioapic::Redirection;
use guest_kit::{Case, Ctx, Needs};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-masked-edge-lost",
    title: "an edge on a masked pin is ignored, not held pending",
    spec: "82093AA 3.2.4",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::IOAPIC
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    let rte = Redirection::fixed(0x66, dest);
    util::set_rte(ctx, LINE_PIN, rte.with(Redirection::MASKED));
    if !util::pulse(ctx, LINE_PIN) {
        return;
    }
    util::set_rte(ctx, LINE_PIN, rte);
    let taken = util::take_and_eoi(ctx);
    ctx.check_eq("edge-while-masked-ignored", taken, 0);
}
