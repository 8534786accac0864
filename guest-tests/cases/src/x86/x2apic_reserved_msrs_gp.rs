//! `x86.x2apic-reserved-msrs-gp`: RDMSR of 0x801, 0x804, 0x829 and 0x83a each raise #GP(0).
//!
//! Spec: Intel SDM vol. 3 §11.12.1.2 (table 11-6: MSRs of 0x800-0x8ff not listed are reserved;
//! RDMSR raises #GP).
//!
//! Expected: four #GPs. Why: reads that return 0 hide guest bugs and differ from hardware.

use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-reserved-msrs-gp",
    title: "reserved MSRs of the x2APIC range raise #GP",
    spec: "Intel SDM vol. 3 11.12.1.2",
    needs: Needs::X2APIC,
    run,
};

const RESERVED: [(u32, &str); 4] = [
    (0x801, "msr-0x801-raises-gp"),
    (0x804, "msr-0x804-raises-gp"),
    (0x829, "msr-0x829-raises-gp"),
    (0x83a, "msr-0x83a-raises-gp"),
];

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    for (msr, label) in RESERVED {
        let gp = util::rdmsr_faults(ctx, msr);
        ctx.check(label, gp);
    }
}
