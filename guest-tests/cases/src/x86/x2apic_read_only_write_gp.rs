//! `x86.x2apic-read-only-write-gp`: WRMSR of 0 to 0x802 (ID), 0x803 (Version), 0x80a (PPR),
//! 0x810 (ISR0), 0x820 (IRR0) and 0x839 (current count) each raise #GP(0).
//!
//! Spec: Intel SDM vol. 3 §11.12.1.2 (table 11-6: ID, Version, PPR, ISR, IRR and the current
//! count are read only; WRMSR raises #GP).
//!
//! Expected: six #GPs. Why: in xAPIC mode such writes are ignored; x2APIC made them faults, and
//! hypervisors often keep the old behaviour.

use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-read-only-write-gp",
    title: "WRMSR to read-only x2APIC registers raises #GP",
    spec: "Intel SDM vol. 3 11.12.1.2",
    needs: Needs::X2APIC,
    run,
};

const READ_ONLY: [(u32, &str); 6] = [
    (0x802, "id-write-raises-gp"),
    (0x803, "version-write-raises-gp"),
    (0x80a, "ppr-write-raises-gp"),
    (0x810, "isr-write-raises-gp"),
    (0x820, "irr-write-raises-gp"),
    (0x839, "current-count-write-raises-gp"),
];

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    for (msr, label) in READ_ONLY {
        let gp = util::wrmsr_faults(ctx, msr, 0);
        ctx.check(label, gp);
    }
}
