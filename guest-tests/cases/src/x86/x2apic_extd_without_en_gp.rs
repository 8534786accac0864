//! `x86.x2apic-extd-without-en-gp`: from xAPIC mode, WRMSR IA32_APIC_BASE with EN = 0, EXTD = 1
//! raises #GP(0); the base still reads EN = 1, EXTD = 0.
//!
//! Spec: Intel SDM vol. 3 §11.12.1 (table 11-5: EN = 0, EXTD = 1 is invalid), §11.12.5.
//!
//! Expected: a #GP; EN 1 and EXTD 0 after. Why: the invalid encoding must never be reachable.

use guest_kit::regs::lapic::{self, ApicBase};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-extd-without-en-gp",
    title: "EXTD without EN (an invalid state) raises #GP",
    spec: "Intel SDM vol. 3 11.12.1, 11.12.5",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let base = ApicBase::from_bits_retain(ctx.rdmsr(lapic::IA32_APIC_BASE));
    let invalid = (base - ApicBase::EN) | ApicBase::EXTD;
    let gp = util::wrmsr_faults(ctx, lapic::IA32_APIC_BASE, invalid.bits());
    ctx.check("invalid-state-raises-gp", gp);
    let after = ApicBase::from_bits_retain(ctx.rdmsr(lapic::IA32_APIC_BASE));
    let mode = after & (ApicBase::EN | ApicBase::EXTD);
    ctx.check_eq("still-xapic", mode.bits(), ApicBase::EN.bits());
}
