//! `x86.ioapic-ioregsel-readback`: IOREGSEL written 0x12 reads bits 7:0 = 0x12 (the whole value
//! recorded).
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.1.1 (IOREGSEL bits 7:0 read/write, bits 31:8
//! reserved).
//!
//! Expected: bits 7:0 0x12. Why: the select register is state a guest may save and restore
//! around an interrupted access.

use guest_kit::regs::ioapic;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-ioregsel-readback",
    title: "IOREGSEL reads back the selected index",
    spec: "82093AA 3.1.1",
    needs: Needs::IOAPIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let sel = Site::Ioapic(ioapic::IOREGSEL);
    ctx.write32(sel, 0x12);
    let allowed = Allowed::Fixed {
        mask: 0xff,
        value: 0x12,
    };
    ctx.read_impl("ioregsel-readback", sel, Width::B32, allowed);
}
