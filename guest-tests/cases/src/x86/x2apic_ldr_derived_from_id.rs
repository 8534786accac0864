//! `x86.x2apic-ldr-derived-from-id`: on CPU 0 and CPU 1 in x2APIC mode, LDR (MSR 0x80d) equals
//! (ID >> 4) << 16 | 1 << (ID & 15) of the ID read from MSR 0x802 (recorded).
//!
//! Spec: Intel SDM vol. 3 §11.12.10.2 (logical x2APIC ID = (x2APIC ID[19:4] << 16) | (1 <<
//! x2APIC ID[3:0]); LDR is read only).
//!
//! Expected: two IDs recorded; LDR matches the derivation on both. Why: cluster-mode routing
//! depends on it; a hypervisor that keeps the xAPIC LDR or computes it differently misroutes
//! logical IPIs.

use guest_kit::regs::lapic;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-ldr-derived-from-id",
    title: "the x2APIC LDR is derived from the x2APIC ID on every CPU",
    spec: "Intel SDM vol. 3 11.12.10.2",
    needs: Needs {
        cpus: 2,
        ..Needs::X2APIC
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    check_cpu(ctx);
    ctx.on_cpu(1, check_cpu);
}

fn check_cpu(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let site = Site::Msr(lapic::x2apic_msr(lapic::ID));
    let id = ctx.read_impl("x2apic-id", site, Width::B64, Allowed::Any) as u32;
    let ldr = ctx.rdmsr(lapic::x2apic_msr(lapic::LDR));
    ctx.check_eq("ldr-derived", ldr, lapic::x2apic_logical_id(id).into());
}
