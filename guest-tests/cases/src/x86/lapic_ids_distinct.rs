//! `x86.lapic-ids-distinct`: the xAPIC ID registers of CPU 0 and CPU 1 are implementation-
//! defined values, recorded; their IDs (bits 31:24) differ.
//!
//! Spec: Intel SDM vol. 3 §11.4.6 (Local APIC ID: assigned at power-up, unique per processor on
//! the system bus).
//!
//! Expected: two recorded IDs with different bits 31:24. Why: every physical-destination
//! interrupt is routed by this ID; two vCPUs with one ID make IPIs and IOAPIC routes ambiguous.

use guest_kit::regs::lapic;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.lapic-ids-distinct",
    title: "the two CPUs' local APIC IDs differ",
    spec: "Intel SDM vol. 3 11.4.6",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let site = Site::Lapic(lapic::ID);
    let own = ctx.read_impl("cpu0-apic-id", site, Width::B32, Allowed::Any);
    let mut other = own;
    ctx.on_cpu(1, |c| {
        other = c.read_impl("cpu1-apic-id", site, Width::B32, Allowed::Any)
    });
    ctx.check("ids-differ", own >> 24 != other >> 24);
}
