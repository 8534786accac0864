//! `x86.x2apic-all-excluding-self`: with both CPUs in x2APIC mode, a fixed IPI 0x47 with All
//! Excluding Self is taken by CPU 1 only.
//!
//! Spec: Intel SDM vol. 3 §11.12.9 (ICR shorthands in x2APIC mode).
//!
//! Expected: CPU 0 empty; CPU 1 takes 0x47. Why: the MSR path decodes shorthands separately
//! from the MMIO path.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-all-excluding-self",
    title: "the All Excluding Self shorthand in x2APIC mode reaches CPU 1 only",
    spec: "Intel SDM vol. 3 11.12.9",
    needs: Needs {
        cpus: 2,
        ..Needs::X2APIC
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    ctx.on_cpu(1, |c| c.enable_x2apic());
    let icr = Icr::x2apic(DeliveryMode::Fixed, 0x47, Shorthand::AllExcludingSelf, 0);
    ctx.wrmsr(lapic::x2apic_msr(lapic::ICR_LOW), icr.0);
    let own = util::x2_take_and_eoi(ctx);
    ctx.check_eq("sender-skipped", own, 0);
    let mut other = 0;
    ctx.on_cpu(1, |c| other = util::x2_take_and_eoi(c));
    ctx.check_eq("cpu1-takes", other, 0x47);
}
