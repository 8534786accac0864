//! `x86.ioapic-edge-delivers`: pin 3 programmed edge, fixed, vector 0x63 to CPU 0; the host
//! raises then lowers the line: 0x63 is taken once and TMR bit 0x63 is 0.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.4 (edge trigger: a rising edge sends one
//! message), Intel SDM vol. 3 §11.8.4.
//!
//! Expected: window takes 0x63; TMR 0; the next window empty. Why: the basic device-interrupt
//! path through the IOAPIC.

use guest_kit::inject::Injection;
use guest_kit::regs::ioapic::Redirection;
use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-edge-delivers",
    title: "an edge on an unmasked pin delivers its vector once",
    spec: "82093AA 3.2.4; Intel SDM vol. 3 11.8.4",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::IOAPIC
    },
    run,
};

const V: Vector = Vector::new(0x63);

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    util::set_rte(ctx, LINE_PIN, Redirection::fixed(V.raw(), dest));
    if !util::pulse(ctx, LINE_PIN) {
        return;
    }
    let taken = ctx.take_interrupts();
    ctx.check_eq("taken", util::packed(&taken), 0x63);
    let tmr = util::bit(ctx, lapic::TMR, V);
    ctx.check_eq("edge-tmr-clear", tmr, 0);
    ctx.lapic_eoi();
    let again = ctx.take_interrupts();
    ctx.check("once", again.is_empty());
}
