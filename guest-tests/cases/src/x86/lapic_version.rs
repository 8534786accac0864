//! `x86.lapic-version`: the xAPIC Version register is an implementation-defined value, recorded;
//! its version field says "integrated APIC" and it has at least the four LVT entries every
//! integrated APIC has.
//!
//! Spec: Intel SDM vol. 3 §11.4.8 (Local APIC Version Register: version 1XH for an integrated
//! APIC, Max LVT Entry = entries − 1) and §11.5.1 (the LVT: timer, LINT0, LINT1 and error on
//! every integrated APIC).
//!
//! Expected: any value is recorded; bits 7:0 in 0x10..=0x15, bits 23:16 at least 3. Why: guests
//! size their LVT handling by Max LVT Entry and key on the version; a virtual APIC that reports
//! the discrete 82489DX (0x0X) or too few LVT entries breaks them.

use guest_kit::regs::lapic;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.lapic-version",
    title: "the APIC Version register reads as an integrated APIC with at least 4 LVT entries",
    spec: "Intel SDM vol. 3 11.4.8, 11.5.1",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let site = Site::Lapic(lapic::VERSION);
    let raw = ctx.read_impl("apic-version", site, Width::B32, Allowed::Any);
    let version = lapic::Version(raw as u32);
    ctx.check(
        "integrated-apic-version",
        (0x10..=0x15).contains(&version.version()),
    );
    ctx.check("at-least-4-lvt-entries", version.max_lvt() >= 3);
}
