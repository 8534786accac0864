//! `x86.x2apic-icr-single-msr`: WRMSR 0x830 of a fixed Self-shorthand IPI 0x42 delivers 0x42;
//! RDMSR 0x830 reads back the vector, mode and shorthand fields with bit 12 clear.
//!
//! Spec: Intel SDM vol. 3 §11.12.9 (ICR: one MSR 0x830, a single WRMSR sends; delivery status
//! bit 12 is reserved and reads 0).
//!
//! Expected: 0x42 taken; the read-back fields equal the written ones. Why: x2APIC guests send
//! every IPI this way; the single-MSR send is a separate path from the xAPIC page in every
//! hypervisor.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-icr-single-msr",
    title: "the x2APIC ICR is one 64-bit MSR that sends on write and reads back",
    spec: "Intel SDM vol. 3 11.12.9",
    needs: Needs::X2APIC,
    run,
};

/// ICR bits that read back: shorthand, trigger, level, destination and delivery mode, vector.
const READBACK: u64 = 0x000c_cfff;

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let icr = Icr::x2apic(DeliveryMode::Fixed, 0x42, Shorthand::SelfOnly, 0);
    let msr = lapic::x2apic_msr(lapic::ICR_LOW);
    ctx.wrmsr(msr, icr.0);
    let taken = ctx.take_interrupts();
    ctx.check_eq("sent-by-one-wrmsr", util::packed(&taken), 0x42);
    ctx.x2apic_eoi();
    let back = ctx.rdmsr(msr);
    ctx.check_eq("fields-read-back", back & READBACK, icr.0 & READBACK);
    ctx.check_eq("no-delivery-status", back & u64::from(Icr::SEND_PENDING), 0);
}
