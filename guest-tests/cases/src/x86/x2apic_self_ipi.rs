//! `x86.x2apic-self-ipi`: in x2APIC mode, a write of vector 0x40 to the SELF IPI register (MSR
//! 0x83f) delivers 0x40 to this CPU in the next interrupt window; it stays in service (ISR)
//! until a write of 0 to the EOI register (MSR 0x80b), and is taken once.
//!
//! Spec: Intel SDM vol. 3 §11.12.11 (SELF IPI: a fixed, edge-triggered IPI to the writer),
//! §11.8.4 (acceptance: IRR → ISR when the vector is dispatched), §11.8.5 (EOI clears the
//! highest ISR bit).
//!
//! Expected: the window takes 0x40 (`vec 0x40`); ISR bit 0x40 set after delivery and clear
//! after the EOI; the next window takes nothing (`novec`). Why: SELF IPI is x2APIC-only and the
//! MSR path is emulated separately from the xAPIC page by every hypervisor.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-self-ipi",
    title: "a SELF IPI is taken once, in service until an x2APIC EOI",
    spec: "Intel SDM vol. 3 11.12.11, 11.8.4, 11.8.5",
    needs: Needs::X2APIC,
    run,
};

const V: Vector = Vector::new(0x40);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    ctx.wrmsr(lapic::x2apic_msr(lapic::SELF_IPI), V.raw().into());
    let taken = ctx.take_interrupts();
    let first = taken.first().map_or(0, |v| v.raw().into());
    ctx.check_eq("self-ipi-taken", first, V.raw().into());
    let isr = lapic::x2apic_msr(lapic::array_reg(lapic::ISR, V));
    let bit = V.bank_bit().1;
    let in_service = ctx.rdmsr(isr) >> bit & 1;
    ctx.check_eq("in-service-until-eoi", in_service, 1);
    ctx.x2apic_eoi();
    let in_service = ctx.rdmsr(isr) >> bit & 1;
    ctx.check_eq("eoi-clears-in-service", in_service, 0);
    let again = ctx.take_interrupts();
    ctx.check("taken-once", again.is_empty());
}
