//! `x86.ioapic-eoi-register-idle`: on an IOAPIC of version 0x20 or later, with pin 7 masked,
//! level, vector 0x62, a write of 0x62 to the EOI register leaves the entry as it was. Skipped
//! below version 0x20.
//!
//! Spec: IOAPIC version 0x20 and later: a write of a vector to the EOI register (offset 0x40)
//! clears remote IRR of the level entries with that vector; 82093AA §3.2.4.
//!
//! Expected: the entry unchanged. Why: the EOI register must only clear remote IRR.

use guest_kit::regs::ioapic::{self, Redirection};
use guest_kit::{Case, Ctx, Needs, Site};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-eoi-register-idle",
    title: "an IOAPIC EOI of a vector with no remote IRR changes no entry",
    spec: "82093AA 3.2.4; I/O APIC version 0x20 EOI register",
    needs: Needs::IOAPIC,
    run,
};

const PIN: u8 = 7;

fn run(ctx: &mut Ctx<'_>) {
    if !util::ioapic_has_eoi_register(ctx) {
        return;
    }
    let rte = Redirection::fixed(0x62, 0).with(Redirection::MASKED | Redirection::LEVEL);
    util::set_rte(ctx, PIN, rte);
    ctx.write32(Site::Ioapic(ioapic::EOI), 0x62);
    let low = util::rte_low(ctx, PIN);
    ctx.check_eq("entry-unchanged", low.into(), rte.low().into());
}
