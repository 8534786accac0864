//! `x86.ioapic-eoi-register-other-vector`: pin 3 level, vector 0x8b, taken: writing 0x9b to the
//! IOAPIC EOI register leaves remote IRR 1; the LAPIC EOI (broadcast of 0x8b) then clears it.
//! Skipped below version 0x20.
//!
//! Spec: IOAPIC version 0x20 and later: the EOI register clears remote IRR only of entries
//! whose vector matches the value written; 82093AA §3.2.4.
//!
//! Expected: remote IRR 1 after the other-vector EOI, 0 after the LAPIC EOI. Why: an EOI
//! register that clears every entry ends interrupts still being handled.

use guest_kit::inject::Injection;
use guest_kit::regs::ioapic;
use guest_kit::{Case, Ctx, Needs, Site, Vector};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-eoi-register-other-vector",
    title: "an IOAPIC EOI of another vector leaves remote IRR set",
    spec: "82093AA 3.2.4; IOAPIC version 0x20 EOI register",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::IOAPIC
    },
    run,
};

const V: Vector = Vector::new(0x8b);

fn run(ctx: &mut Ctx<'_>) {
    if !util::ioapic_has_eoi_register(ctx) {
        return;
    }
    if !util::take_level_from_line(ctx, V) {
        return;
    }
    ctx.write32(Site::Ioapic(ioapic::EOI), 0x9b);
    let remote = util::remote_irr(ctx, LINE_PIN);
    ctx.check("remote-irr-kept", remote != 0);
    ctx.lapic_eoi();
    let remote = util::remote_irr(ctx, LINE_PIN);
    ctx.check_eq("lapic-eoi-clears", remote.into(), 0);
}
