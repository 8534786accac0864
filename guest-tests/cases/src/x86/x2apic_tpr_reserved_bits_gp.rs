//! `x86.x2apic-tpr-reserved-bits-gp`: WRMSR 0x808 = 0x100 raises #GP(0); TPR still reads 0.
//!
//! Spec: Intel SDM vol. 3 §11.12.1.2 (WRMSR that sets reserved bits of an x2APIC register
//! raises #GP), §11.8.3 (TPR bits 31:8 reserved).
//!
//! Expected: a #GP; TPR 0. Why: x2APIC turned silent truncation into a fault.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-tpr-reserved-bits-gp",
    title: "WRMSR of TPR with reserved bits 31:8 set raises #GP and leaves TPR",
    spec: "Intel SDM vol. 3 11.12.1.2, 11.8.3",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let tpr = lapic::x2apic_msr(lapic::TPR);
    let gp = util::wrmsr_faults(ctx, tpr, 0x100);
    ctx.check("reserved-bit-raises-gp", gp);
    let value = ctx.rdmsr(tpr);
    ctx.check_eq("tpr-unchanged", value, 0);
}
