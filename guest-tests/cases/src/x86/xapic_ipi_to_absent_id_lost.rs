//! `x86.xapic-ipi-to-absent-id-lost`: a fixed IPI 0x61 to APIC ID 0x7e is taken by neither CPU;
//! ESR afterwards is recorded (bits 5 and 6 clear).
//!
//! Spec: Intel SDM vol. 3 §11.6.2.1 (physical destination), §11.5.3 (Send Accept Error exists
//! on P6/Pentium only: the ESR value is recorded).
//!
//! Expected: both windows empty; ESR with bits 6:5 zero. Why: a hypervisor that falls back to
//! the sender (or vCPU 0) for an unknown ID delivers where nothing should arrive.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand, esr};
use guest_kit::{Allowed, Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-ipi-to-absent-id-lost",
    title: "a physical IPI to an APIC ID no CPU has is taken by nobody",
    spec: "Intel SDM vol. 3 11.6.2.1, 11.5.3",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x61);
const ABSENT: u8 = 0x7e;

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::ESR, 0);
    util::send(
        ctx,
        Icr::xapic(DeliveryMode::Fixed, V.raw(), Shorthand::None, ABSENT),
    );
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("not-cpu0", own, 0);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("not-cpu1", other, 0);
    ctx.lapic_write(lapic::ESR, 0);
    let value = ctx.lapic_read(lapic::ESR);
    let mask = u64::from(esr::SEND_ILLEGAL_VECTOR | esr::RECEIVE_ILLEGAL_VECTOR);
    ctx.impl_defined(
        "esr-after-absent-destination",
        value.into(),
        Allowed::Fixed { mask, value: 0 },
    );
}
