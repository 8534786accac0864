//! `x86.x2apic-esr-illegal-vector`: after a Self-shorthand ICR write with vector 2, WRMSR 0x828
//! = 0 then RDMSR 0x828 shows bit 5 (other bits recorded), and nothing is delivered.
//!
//! Spec: Intel SDM vol. 3 §11.5.3 (ESR bit 5), §11.12.1.2 (ESR 0x828: written with 0 before it
//! is read).
//!
//! Expected: ESR with bit 5 set. Why: error reporting on the MSR path.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand, esr};
use guest_kit::{Allowed, Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-esr-illegal-vector",
    title: "an x2APIC IPI with vector 2 sets ESR Send Illegal Vector",
    spec: "Intel SDM vol. 3 11.5.3, 11.12.1.2",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let esr_msr = lapic::x2apic_msr(lapic::ESR);
    ctx.wrmsr(esr_msr, 0);
    let icr = Icr::x2apic(DeliveryMode::Fixed, 2, Shorthand::SelfOnly, 0);
    ctx.wrmsr(lapic::x2apic_msr(lapic::ICR_LOW), icr.0);
    ctx.wrmsr(esr_msr, 0);
    let value = ctx.rdmsr(esr_msr);
    let send = u64::from(esr::SEND_ILLEGAL_VECTOR);
    ctx.impl_defined(
        "x2apic-esr-after-illegal-send",
        value,
        Allowed::Fixed {
            mask: send,
            value: send,
        },
    );
    let taken = ctx.take_interrupts();
    ctx.check("illegal-vector-not-delivered", taken.is_empty());
    ctx.wrmsr(esr_msr, 0);
}
