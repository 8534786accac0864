//! `x86.x2apic-ldr-write-gp`: WRMSR 0x80d raises #GP(0).
//!
//! Spec: Intel SDM vol. 3 §11.12.1.2 (table 11-6: LDR read only in x2APIC mode; WRMSR to a
//! read-only register raises #GP).
//!
//! Expected: a #GP. Why: the derived LDR must not be writable, or cluster routing can be
//! corrupted.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-ldr-write-gp",
    title: "WRMSR to the read-only x2APIC LDR raises #GP",
    spec: "Intel SDM vol. 3 11.12.1.2, 11.12.10.2",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let gp = util::wrmsr_faults(ctx, lapic::x2apic_msr(lapic::LDR), 0x1_0001);
    ctx.check("ldr-write-raises-gp", gp);
}
