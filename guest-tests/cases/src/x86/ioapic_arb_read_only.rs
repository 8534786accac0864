//! `x86.ioapic-arb-read-only`: IOAPICARB is recorded; a write of 0x0f00_0000 leaves it
//! unchanged.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.3 (IOAPICARB: arbitration ID bits 27:24, read
//! only).
//!
//! Expected: equal values before and after. Why: a read-only register that takes writes shows a
//! decoding table gone wrong.

use guest_kit::regs::ioapic;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-arb-read-only",
    title: "IOAPICARB is recorded and ignores writes",
    spec: "82093AA 3.2.3",
    needs: Needs::IOAPIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.write32(Site::Ioapic(ioapic::IOREGSEL), ioapic::REG_ARB);
    let win = Site::Ioapic(ioapic::IOWIN);
    let before = ctx.read_impl("ioapic-arb", win, Width::B32, Allowed::Any);
    ctx.ioapic_write(ioapic::REG_ARB, 0x0f00_0000);
    let after = ctx.ioapic_read(ioapic::REG_ARB);
    ctx.check_eq("arb-unchanged", after.into(), before);
}
