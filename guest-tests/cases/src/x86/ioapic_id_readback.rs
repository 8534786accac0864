//! `x86.ioapic-id-readback`: the ID register is recorded; ID 0xa written to bits 27:24 reads
//! back there; the original is restored.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.1 (IOAPICID: bits 27:24 the ID, read/write;
//! other bits reserved).
//!
//! Expected: bits 27:24 0xa. Why: firmware and kernels renumber IOAPICs to avoid clashes with
//! APIC IDs.

use guest_kit::regs::ioapic;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-id-readback",
    title: "IOAPICID keeps the ID written to bits 27:24",
    spec: "82093AA 3.2.1",
    needs: Needs::IOAPIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.write32(Site::Ioapic(ioapic::IOREGSEL), ioapic::REG_ID);
    let win = Site::Ioapic(ioapic::IOWIN);
    let original = ctx.read_impl("ioapic-id", win, Width::B32, Allowed::Any) as u32;
    ctx.ioapic_write(ioapic::REG_ID, 0x0a00_0000);
    let id = ctx.ioapic_read(ioapic::REG_ID);
    ctx.check_eq("id-bits-27-24", (id >> 24 & 0xf).into(), 0xa);
    ctx.ioapic_write(ioapic::REG_ID, original);
}
