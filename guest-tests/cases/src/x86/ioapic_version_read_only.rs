//! `x86.ioapic-version-read-only`: IOAPICVER reads the same before and after a write of 0.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.2 (IOAPICVER is read only).
//!
//! Expected: equal values. Why: the pin count and EOI-register support come from it.

use guest_kit::regs::ioapic;
use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-version-read-only",
    title: "IOAPICVER ignores writes",
    spec: "82093AA 3.2.2",
    needs: Needs::IOAPIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let before = ctx.ioapic_read(ioapic::REG_VERSION);
    ctx.ioapic_write(ioapic::REG_VERSION, 0);
    let after = ctx.ioapic_read(ioapic::REG_VERSION);
    ctx.check_eq("version-unchanged", after.into(), before.into());
}
