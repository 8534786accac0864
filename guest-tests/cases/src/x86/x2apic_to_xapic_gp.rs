//! `x86.x2apic-to-xapic-gp`: in x2APIC mode, WRMSR IA32_APIC_BASE with EN = 1, EXTD = 0 raises
//! #GP(0) and the base still reads EXTD = 1.
//!
//! Spec: Intel SDM vol. 3 §11.12.5 (figure 11-31: x2APIC to xAPIC is an invalid transition;
//! WRMSR raises #GP; the way back is through the disabled state).
//!
//! Expected: an `xflt msr:0x1b` with vector 13; EXTD still 1. Why: a hypervisor that accepts
//! the transition leaves the guest in a state real hardware never allows.

use guest_kit::regs::lapic::{self, ApicBase};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-to-xapic-gp",
    title: "leaving x2APIC mode straight for xAPIC mode raises #GP and changes nothing",
    spec: "Intel SDM vol. 3 11.12.5",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let base = ApicBase::from_bits_retain(ctx.rdmsr(lapic::IA32_APIC_BASE));
    let gp = util::wrmsr_faults(ctx, lapic::IA32_APIC_BASE, (base - ApicBase::EXTD).bits());
    ctx.check("x2apic-to-xapic-raises-gp", gp);
    let after = ApicBase::from_bits_retain(ctx.rdmsr(lapic::IA32_APIC_BASE));
    ctx.check("still-x2apic", after.contains(ApicBase::EXTD));
}
