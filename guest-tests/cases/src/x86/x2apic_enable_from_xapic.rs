//! `x86.x2apic-enable-from-xapic`: after WRMSR IA32_APIC_BASE with EN = EXTD = 1, RDMSR reads
//! both bits set and the x2APIC ID register (MSR 0x802) reads (recorded).
//!
//! Spec: Intel SDM vol. 3 §11.12.1 (IA32_APIC_BASE.EXTD bit 10 with EN bit 11 selects x2APIC
//! mode), §11.12.5 (xAPIC to x2APIC is a valid transition).
//!
//! Expected: EN and EXTD 1; an ID recorded. Why: the mode switch is the first thing an x2APIC
//! guest does; the ID MSR is where it learns its 32-bit ID.

use guest_kit::regs::lapic::{self, ApicBase};
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-enable-from-xapic",
    title: "IA32_APIC_BASE moves from xAPIC to x2APIC mode with EN and EXTD set",
    spec: "Intel SDM vol. 3 11.12.1, 11.12.5",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let base = ApicBase::from_bits_retain(ctx.rdmsr(lapic::IA32_APIC_BASE));
    let mode = ApicBase::EN | ApicBase::EXTD;
    ctx.check("en-and-extd-set", base.contains(mode));
    let id = Site::Msr(lapic::x2apic_msr(lapic::ID));
    ctx.read_impl("x2apic-id", id, Width::B64, Allowed::Any);
}
