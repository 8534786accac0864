//! `x86.x2apic-removed-registers-gp`: RDMSR of 0x809, 0x80c, 0x80e and 0x831 each raise #GP(0).
//!
//! Spec: Intel SDM vol. 3 §11.12.1.2 (table 11-6: no x2APIC MSR for APR 0x809, RRD 0x80c, DFR
//! 0x80e or ICR bits 63:32 0x831; access raises #GP).
//!
//! Expected: four #GPs. Why: a hypervisor that maps the whole xAPIC page onto MSRs exposes
//! registers x2APIC removed.

use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-removed-registers-gp",
    title: "the xAPIC-only registers (APR, RRD, DFR, ICR high) raise #GP as MSRs",
    spec: "Intel SDM vol. 3 11.12.1.2",
    needs: Needs::X2APIC,
    run,
};

const REMOVED: [(u32, &str); 4] = [
    (0x809, "apr-raises-gp"),
    (0x80c, "rrd-raises-gp"),
    (0x80e, "dfr-raises-gp"),
    (0x831, "icr-high-raises-gp"),
];

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    for (msr, label) in REMOVED {
        let gp = util::rdmsr_faults(ctx, msr);
        ctx.check(label, gp);
    }
}
