//! `x86.ioapic-version`: IOAPICVER, read through IOREGSEL/IOWIN, is an implementation-defined
//! value, recorded; it names an APIC version (0x1X or 0x2X) and at least the 24 redirection
//! entries of the 82093AA.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.0 (IOREGSEL/IOWIN indirect access), §3.2.2
//! (IOAPICVER: version bits 7:0, Maximum Redirection Entry bits 23:16 = entries − 1, 0x17 for
//! the 82093AA).
//!
//! Expected: any value is recorded; the version in 0x10..=0x2f and Maximum Redirection Entry at
//! least 0x17. Why: guests size their GSI space from this register and pick the EOI-register
//! path from the version (0x20 and up); the indirect access itself is the first thing a
//! hypervisor's IOAPIC emulation must get right.

use guest_kit::regs::ioapic;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-version",
    title: "IOAPICVER reads through IOREGSEL/IOWIN with an APIC version and at least 24 pins",
    spec: "82093AA 3.0, 3.2.2",
    needs: Needs::IOAPIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.write32(Site::Ioapic(ioapic::IOREGSEL), ioapic::REG_VERSION);
    let site = Site::Ioapic(ioapic::IOWIN);
    let raw = ctx.read_impl("ioapic-version", site, Width::B32, Allowed::Any);
    let version = ioapic::Version(raw as u32);
    ctx.check(
        "apic-version-1x-or-2x",
        (0x10..=0x2f).contains(&version.version()),
    );
    ctx.check("at-least-24-pins", version.pins() >= 24);
}
