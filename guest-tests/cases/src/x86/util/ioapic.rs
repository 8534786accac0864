//! IOAPIC steps: redirection entries, remote IRR, and the host-driven line ([`LINE_PIN`]).

use guest_kit::inject::Inject;
use guest_kit::regs::ioapic::{self, Redirection};
use guest_kit::{Ctx, Vector};

/// The IOAPIC pin the line cases drive ([`guest_kit::inject::X86_LINE_GSI`]).
pub const LINE_PIN: u8 = guest_kit::inject::X86_LINE_GSI as u8;

/// Writes redirection entry `pin` (high half first, so an unmasked low half never routes to
/// a stale destination).
pub fn set_rte(ctx: &mut Ctx<'_>, pin: u8, rte: ioapic::Redirection) {
    ctx.ioapic_write(ioapic::redirection_low(pin) + 1, rte.high());
    ctx.ioapic_write(ioapic::redirection_low(pin), rte.low());
}

/// The low half of redirection entry `pin`, read traced.
pub fn rte_low(ctx: &mut Ctx<'_>, pin: u8) -> u32 {
    ctx.ioapic_read(ioapic::redirection_low(pin))
}

/// The remote IRR bit of redirection entry `pin` (82093AA §3.2.4: set when a local APIC
/// accepts the entry's level interrupt, cleared by its EOI), read traced with the low half; the
/// value is the bit in place (0 or [`Redirection::REMOTE_IRR`]).
pub fn remote_irr(ctx: &mut Ctx<'_>, pin: u8) -> u32 {
    rte_low(ctx, pin) & Redirection::REMOTE_IRR as u32
}

/// Routes the host-driven line ([`LINE_PIN`]) to CPU 0 as a fixed, level-triggered, unmasked
/// interrupt of `vector` (82093AA §3.2.4).
pub fn route_line_level(ctx: &mut Ctx<'_>, vector: Vector) {
    let dest = super::apic_id(ctx, 0);
    set_rte(
        ctx,
        LINE_PIN,
        Redirection::fixed(vector.raw(), dest).with(Redirection::LEVEL),
    );
}

/// One level interrupt from the host-driven line, taken and not yet ended: routes it
/// ([`route_line_level`]), raises the line, checks that CPU 0 takes `vector` (`taken`), and
/// lowers the line again. The LAPIC then has `vector` in service and the entry's remote IRR is
/// set until an EOI reaches the IOAPIC (82093AA §3.2.4; Intel SDM vol. 3 §11.8.5): how it gets
/// there is the case's subject. Returns `false`, with the case marked skipped, when the host
/// cannot drive lines.
pub fn take_level_from_line(ctx: &mut Ctx<'_>, vector: Vector) -> bool {
    route_line_level(ctx, vector);
    if !ctx.inject(Inject::Line {
        intid: LINE_PIN.into(),
        high: true,
    }) {
        return false;
    }
    let taken = ctx.take_interrupts();
    ctx.check_eq("taken", super::packed(&taken), vector.raw().into());
    ctx.inject(Inject::Line {
        intid: LINE_PIN.into(),
        high: false,
    });
    true
}

/// Asks the host to raise, then lower, the line of IOAPIC `pin` (an edge). Returns `false`,
/// with the case marked skipped, when the host cannot drive lines.
pub fn pulse(ctx: &mut Ctx<'_>, pin: u8) -> bool {
    if !ctx.inject(Inject::Line {
        intid: pin.into(),
        high: true,
    }) {
        return false;
    }
    ctx.inject(Inject::Line {
        intid: pin.into(),
        high: false,
    })
}

/// Whether the IOAPIC has the EOI register (version 0x20 and later), read traced; marks the
/// case skipped when not.
pub fn ioapic_has_eoi_register(ctx: &mut Ctx<'_>) -> bool {
    let version = ioapic::Version(ctx.ioapic_read(ioapic::REG_VERSION));
    let has = version.version() >= 0x20;
    if !has {
        ctx.skip("the IOAPIC has no EOI register (version below 0x20)");
    }
    has
}
