//! `x86.xapic-ipi-to-other-cpu`: a fixed IPI that CPU 0 sends to CPU 1's APIC ID (physical
//! destination) is taken by CPU 1 in its next window and not by CPU 0.
//!
//! Spec: Intel SDM vol. 3 §11.6.1 (ICR: writing ICR_LOW sends; destination in ICR_HIGH bits
//! 31:24 in xAPIC mode), §11.6.2.1 (physical destination mode), §11.8.4 (acceptance).
//!
//! Expected: CPU 0's window takes nothing (`novec`); CPU 1's window takes 0x50 (`vec 0x50`),
//! which CPU 1 then EOIs. CPU 1's APIC ID is read untraced (set-up: IDs are the platform's).
//! Why: cross-CPU IPIs are the hypervisor's routing of an ICR write to another vCPU, the path
//! every SMP guest kernel uses for rescheduling and TLB shootdowns.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs, Site, Vector, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-ipi-to-other-cpu",
    title: "a fixed IPI to CPU 1's APIC ID is taken by CPU 1 only",
    spec: "Intel SDM vol. 3 11.6.1, 11.6.2.1, 11.8.4",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x50);

fn run(ctx: &mut Ctx<'_>) {
    let mut dest = 0u8;
    ctx.on_cpu(1, |c| {
        let id = c.raw().read(Site::Lapic(lapic::ID), Width::B32);
        dest = (id.unwrap_or(0) >> 24) as u8;
    });
    let icr = Icr::xapic(DeliveryMode::Fixed, V.raw(), Shorthand::None, dest);
    ctx.lapic_write(lapic::ICR_HIGH, icr.high());
    ctx.lapic_write(lapic::ICR_LOW, icr.low());
    let own = ctx.take_interrupts();
    ctx.check("not-taken-by-sender", own.is_empty());
    ctx.on_cpu(1, |c| {
        let taken = c.take_interrupts();
        let first = taken.first().map_or(0, |v| v.raw().into());
        c.check_eq("taken-by-cpu1", first, V.raw().into());
        c.lapic_eoi();
    });
}
