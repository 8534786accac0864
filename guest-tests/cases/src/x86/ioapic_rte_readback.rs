//! `x86.ioapic-rte-readback`: pin 5 written masked, level, active low, logical, lowest
//! priority, vector 0x60, destination 0x03 reads back both halves as written.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.4 (redirection table: vector, delivery mode,
//! destination mode, polarity, trigger, mask, destination bits 63:56 read/write).
//!
//! Expected: low 0x1_ab60, high 0x0300_0000. Why: guests program entries in halves and read
//! them back when migrating interrupts.

use guest_kit::regs::ioapic::{self, Redirection};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-rte-readback",
    title: "a redirection entry reads back every writable field",
    spec: "82093AA 3.2.4",
    needs: Needs::IOAPIC,
    run,
};

const PIN: u8 = 5;

fn run(ctx: &mut Ctx<'_>) {
    let rte = Redirection::fixed(0x60, 0x03).with(
        Redirection::MASKED
            | Redirection::LEVEL
            | Redirection::ACTIVE_LOW
            | Redirection::LOGICAL
            | Redirection::LOWEST_PRIORITY,
    );
    util::set_rte(ctx, PIN, rte);
    let low = util::rte_low(ctx, PIN);
    ctx.check_eq("low-half", low.into(), rte.low().into());
    let high = ctx.ioapic_read(ioapic::redirection_low(PIN) + 1);
    ctx.check_eq("high-half-destination", (high >> 24).into(), 0x03);
}
