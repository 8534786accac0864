//! `x86.x2apic-eoi-read-gp`: in x2APIC mode, RDMSR of the write-only EOI register (MSR 0x80b)
//! raises #GP(0); the fault is the observation.
//!
//! Spec: Intel SDM vol. 3 §11.12.1.2 (x2APIC register address space, table 11-6: EOI is write
//! only; "RDMSR from a write-only register" raises #GP).
//!
//! Expected: an `xflt msr:0x80b 8 d 0` observation (vector 13, error code 0), not a read, and
//! the check `rdmsr-eoi-raises-gp` holds. Why:
//! the MSR interface replaces the xAPIC page's "reads as zero" with faults, and a hypervisor that
//! returns a value instead hides a guest bug the hardware would report.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Fault, Needs, Site, Vector, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-eoi-read-gp",
    title: "RDMSR of the write-only x2APIC EOI register raises #GP",
    spec: "Intel SDM vol. 3 11.12.1.2 (table 11-6)",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let eoi = Site::Msr(lapic::x2apic_msr(lapic::EOI));
    let got = ctx.try_read(eoi, Width::B64);
    let gp = matches!(
        got,
        Err(Fault::X86 {
            vector: Vector::GENERAL_PROTECTION,
            error_code: 0
        })
    );
    ctx.check("rdmsr-eoi-raises-gp", gp);
}
