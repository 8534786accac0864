//! `x86.x2apic-ipi-cluster`: with both CPUs in x2APIC mode, a fixed logical IPI 0x45 to CPU 1's
//! logical ID is taken by CPU 1 only.
//!
//! Spec: Intel SDM vol. 3 §11.12.10.2 (logical destination: cluster ID bits 31:16 and a 16-bit
//! member mask, matched against the derived LDR).
//!
//! Expected: CPU 0 empty; CPU 1 takes 0x45. Why: x2APIC cluster mode is Linux's default on
//! x2APIC machines.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-ipi-cluster",
    title: "an x2APIC logical IPI to CPU 1's cluster bit reaches CPU 1 only",
    spec: "Intel SDM vol. 3 11.12.10.2",
    needs: Needs {
        cpus: 2,
        ..Needs::X2APIC
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    ctx.on_cpu(1, |c| c.enable_x2apic());
    let dest = lapic::x2apic_logical_id(util::x2apic_id(ctx, 1));
    let icr = Icr::x2apic_logical(DeliveryMode::Fixed, 0x45, dest);
    ctx.wrmsr(lapic::x2apic_msr(lapic::ICR_LOW), icr.0);
    let own = util::x2_take_and_eoi(ctx);
    ctx.check_eq("not-sender", own, 0);
    let mut other = 0;
    ctx.on_cpu(1, |c| other = util::x2_take_and_eoi(c));
    ctx.check_eq("cpu1-takes", other, 0x45);
}
