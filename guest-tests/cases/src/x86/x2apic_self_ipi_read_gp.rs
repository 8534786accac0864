//! `x86.x2apic-self-ipi-read-gp`: RDMSR 0x83f raises #GP(0).
//!
//! Spec: Intel SDM vol. 3 §11.12.1.2 (table 11-6: SELF IPI 0x83f write only), §11.12.11.
//!
//! Expected: a #GP. Why: write-only registers fault on read in x2APIC mode.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-self-ipi-read-gp",
    title: "RDMSR of the write-only SELF IPI register raises #GP",
    spec: "Intel SDM vol. 3 11.12.1.2, 11.12.11",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let gp = util::rdmsr_faults(ctx, lapic::x2apic_msr(lapic::SELF_IPI));
    ctx.check("self-ipi-read-raises-gp", gp);
}
