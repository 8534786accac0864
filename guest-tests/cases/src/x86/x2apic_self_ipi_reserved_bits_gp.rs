//! `x86.x2apic-self-ipi-reserved-bits-gp`: WRMSR 0x83f = 0x144 raises #GP(0) and no vector is
//! taken.
//!
//! Spec: Intel SDM vol. 3 §11.12.11 (SELF IPI: bits 7:0 vector, bits 31:8 reserved), §11.12.1.2
//! (reserved bits raise #GP).
//!
//! Expected: a #GP; window empty. Why: a hypervisor that masks the value sends vector 0x44
//! anyway.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-self-ipi-reserved-bits-gp",
    title: "WRMSR of SELF IPI with reserved bits 31:8 set raises #GP and sends nothing",
    spec: "Intel SDM vol. 3 11.12.11, 11.12.1.2",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let gp = util::wrmsr_faults(ctx, lapic::x2apic_msr(lapic::SELF_IPI), 0x144);
    ctx.check("reserved-bit-raises-gp", gp);
    let taken = ctx.take_interrupts();
    ctx.check("nothing-sent", taken.is_empty());
}
