//! `x86.ioapic-ioregsel-byte-write`: a byte write of 0x01 to IOREGSEL, then a 32-bit IOWIN
//! read, returns IOAPICVER as read through 32-bit accesses.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.0 (IOREGSEL may be written with byte accesses),
//! §3.1.1.
//!
//! Expected: equal values. Why: some guests (and the datasheet) use byte writes; an emulation
//! that only decodes 32-bit writes selects the wrong register.

use guest_kit::regs::ioapic;
use guest_kit::{Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-ioregsel-byte-write",
    title: "an 8-bit write of IOREGSEL selects the register",
    spec: "82093AA 3.0, 3.1.1",
    needs: Needs::IOAPIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let version = ctx.ioapic_read(ioapic::REG_VERSION);
    ctx.ioapic_write(ioapic::REG_ID, 0);
    ctx.write(
        Site::Ioapic(ioapic::IOREGSEL),
        Width::B8,
        ioapic::REG_VERSION.into(),
    );
    let got = ctx.read32(Site::Ioapic(ioapic::IOWIN));
    ctx.check_eq("byte-select", got.into(), version.into());
}
