//! `x86.x2apic-nmi-ipi-other-cpu`: with both CPUs in x2APIC mode, an NMI IPI written to the
//! ICR MSR with CPU 1's x2APIC ID and vector field 0x48 reaches CPU 1 as the NMI (vector 2).
//!
//! Spec: Intel SDM vol. 3 §11.12.9 (the 64-bit ICR MSR 0x830: one WRMSR sends), §11.6.1 (NMI
//! delivery mode: the vector is ignored), §6.7.
//!
//! Expected: CPU 0's window `novec`; CPU 1's window takes 2; IRR bit 0x48 of CPU 1 clear.
//! Why: an x2APIC ICR write is a different exit (WRMSR) from the xAPIC MMIO one: its decoding
//! of the delivery mode is a separate path in a hypervisor.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-nmi-ipi-other-cpu",
    title: "an x2APIC NMI IPI reaches the other CPU as vector 2 whatever its vector field",
    spec: "Intel SDM vol. 3 11.12.9, 11.6.1, 6.7",
    needs: Needs {
        cpus: 2,
        ..Needs::X2APIC
    },
    run,
};

/// What the ICR's vector field says; an NMI ignores it.
const IGNORED: Vector = Vector::new(0x48);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    ctx.on_cpu(1, |c| c.enable_x2apic());
    let dest = util::x2apic_id(ctx, 1);
    let icr = Icr::x2apic(DeliveryMode::Nmi, IGNORED.raw(), Shorthand::None, dest);
    ctx.wrmsr(lapic::x2apic_msr(lapic::ICR_LOW), icr.0);
    let own = util::x2_take_and_eoi(ctx);
    ctx.check_eq("not-taken-by-sender", own, 0);
    let taken = util::take_on(ctx, 1);
    ctx.check_eq("cpu1-takes-nmi", taken, Vector::NMI.raw().into());
    let mut pending = 0;
    ctx.on_cpu(1, |c| pending = util::x2_bit(c, lapic::IRR, IGNORED));
    ctx.check_eq("vector-field-not-pending", pending, 0);
}
