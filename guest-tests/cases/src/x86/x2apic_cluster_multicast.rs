//! `x86.x2apic-cluster-multicast`: with both CPUs in x2APIC mode and in one cluster, a fixed
//! logical IPI 0x49 to the union of their logical IDs is taken by both; CPUs in different
//! clusters skip the case.
//!
//! Spec: Intel SDM vol. 3 §11.12.10.2 (logical destination: one cluster, a 16-bit member
//! bitmap; every member named accepts).
//!
//! Expected: both take 0x49. Why: cluster multicast is how Linux sends one IPI to several CPUs
//! in x2APIC cluster mode.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-cluster-multicast",
    title: "an x2APIC logical IPI naming two members of one cluster reaches both",
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
    let own = lapic::x2apic_logical_id(util::x2apic_id(ctx, 0));
    let other = lapic::x2apic_logical_id(util::x2apic_id(ctx, 1));
    if own >> 16 != other >> 16 {
        ctx.skip("the two CPUs are in different x2APIC clusters");
        return;
    }
    let icr = Icr::x2apic_logical(DeliveryMode::Fixed, 0x49, own | other);
    ctx.wrmsr(lapic::x2apic_msr(lapic::ICR_LOW), icr.0);
    let got = util::x2_take_and_eoi(ctx);
    ctx.check_eq("cpu0-takes", got, 0x49);
    let mut got = 0;
    ctx.on_cpu(1, |c| got = util::x2_take_and_eoi(c));
    ctx.check_eq("cpu1-takes", got, 0x49);
}
