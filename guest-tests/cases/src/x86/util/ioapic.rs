//! IOAPIC steps: redirection entries and the host-driven line ([`LINE_PIN`]).

use guest_kit::Ctx;
use guest_kit::regs::ioapic;

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

/// Asks the host to raise, then lower, the line of IOAPIC `pin` (an edge). Returns `false`,
/// with the case marked skipped, when the host cannot drive lines.
pub fn pulse(ctx: &mut Ctx<'_>, pin: u8) -> bool {
    use guest_kit::inject::Inject;
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
