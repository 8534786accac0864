//! `x86.ioapic-rte-read-only-bits`: pin 6 written masked, vector 0x61, with bits 12 and 14 set,
//! reads back with both clear.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.4 (bit 12 delivery status and bit 14 remote IRR
//! are read only).
//!
//! Expected: low 0x1_0061. Why: a guest-writable remote IRR can wedge a level interrupt
//! forever.

use guest_kit::regs::ioapic::Redirection;
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-rte-read-only-bits",
    title: "delivery status and remote IRR ignore writes",
    spec: "82093AA 3.2.4",
    needs: Needs::IOAPIC,
    run,
};

const PIN: u8 = 6;

fn run(ctx: &mut Ctx<'_>) {
    let rte = Redirection::fixed(0x61, 0).with(Redirection::MASKED);
    util::set_rte(
        ctx,
        PIN,
        rte.with(Redirection::SEND_PENDING | Redirection::REMOTE_IRR),
    );
    let low = util::rte_low(ctx, PIN);
    ctx.check_eq("read-only-bits-clear", low.into(), rte.low().into());
}
