//! `x86.ioapic-eoi-reg-clears-remote-irr`: pin 3 level, vector 0x8a: taken with the line
//! held high, remote IRR 1; the line is lowered; writing 0x8a to the IOAPIC EOI register clears
//! remote IRR while the LAPIC still has 0x8a in service. Skipped below version 0x20.
//!
//! Spec: IOAPIC version 0x20 and later: a write of a vector to the EOI register (offset 0x40)
//! clears remote IRR of the level entries with that vector; 82093AA §3.2.4 (remote IRR).
//!
//! Expected: remote IRR 1, then 0; ISR bit 0x8a still 1 until the LAPIC EOI. Why: directed EOI
//! is the path x2APIC guests with EOI-broadcast suppression use; it must act on the IOAPIC
//! alone.

use guest_kit::inject::Injection;
use guest_kit::regs::ioapic;
use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Site, Vector};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-eoi-reg-clears-remote-irr",
    title: "the IOAPIC EOI register clears remote IRR of the entries with that vector",
    spec: "82093AA 3.2.4; IOAPIC version 0x20 EOI register",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::IOAPIC
    },
    run,
};

const V: Vector = Vector::new(0x8a);

fn run(ctx: &mut Ctx<'_>) {
    if !util::ioapic_has_eoi_register(ctx) {
        return;
    }
    if !util::take_level_from_line(ctx, V) {
        return;
    }
    let remote = util::remote_irr(ctx, LINE_PIN);
    ctx.check("remote-irr-set", remote != 0);
    ctx.write32(Site::Ioapic(ioapic::EOI), V.raw().into());
    let remote = util::remote_irr(ctx, LINE_PIN);
    ctx.check_eq("ioapic-eoi-clears", remote.into(), 0);
    let isr = util::bit(ctx, lapic::ISR, V);
    ctx.check_eq("lapic-still-in-service", isr, 1);
    ctx.lapic_eoi();
}
