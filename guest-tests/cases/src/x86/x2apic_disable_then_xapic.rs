//! `x86.x2apic-disable-then-xapic`: from x2APIC mode, WRMSR with EN = EXTD = 0 and then EN = 1
//! both succeed; the base reads 0/0, then EN = 1, EXTD = 0.
//!
//! Spec: Intel SDM vol. 3 §11.12.5 (x2APIC to disabled (EN = EXTD = 0) and disabled to xAPIC
//! are valid transitions).
//!
//! Expected: no fault; the two read-backs. Why: this is how a guest (or kexec) leaves x2APIC
//! mode; a hypervisor that faults or keeps EXTD strands it.

use guest_kit::regs::lapic::{self, ApicBase};
use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-disable-then-xapic",
    title: "x2APIC mode goes back to xAPIC through the disabled state",
    spec: "Intel SDM vol. 3 11.12.5",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let mode = ApicBase::EN | ApicBase::EXTD;
    let base = ApicBase::from_bits_retain(ctx.rdmsr(lapic::IA32_APIC_BASE));
    ctx.wrmsr(lapic::IA32_APIC_BASE, (base - mode).bits());
    let off = ApicBase::from_bits_retain(ctx.rdmsr(lapic::IA32_APIC_BASE));
    ctx.check_eq("disabled", (off & mode).bits(), 0);
    ctx.wrmsr(lapic::IA32_APIC_BASE, ((base - mode) | ApicBase::EN).bits());
    let on = ApicBase::from_bits_retain(ctx.rdmsr(lapic::IA32_APIC_BASE));
    ctx.check_eq("xapic-again", (on & mode).bits(), ApicBase::EN.bits());
}
