//! `x86.xapic-ipi-logical-flat-multicast`: with LDR 0x01 / 0x02, a fixed IPI 0x57 to logical
//! destination 0x03 (sent by CPU 0) is taken by both CPUs.
//!
//! Spec: Intel SDM vol. 3 §11.6.2.2 (flat model: every CPU whose LDR shares a bit with the
//! destination accepts).
//!
//! Expected: both windows take 0x57. Why: multicast IPIs (TLB shootdown to a CPU set) depend on
//! it.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-ipi-logical-flat-multicast",
    title: "a logical flat IPI to two LDR bits reaches both CPUs",
    spec: "Intel SDM vol. 3 11.6.2.2",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x57);

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::LDR, lapic::ldr(0x01));
    ctx.on_cpu(1, |c| c.lapic_write(lapic::LDR, lapic::ldr(0x02)));
    util::send(ctx, Icr::xapic_logical(DeliveryMode::Fixed, V.raw(), 0x03));
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("cpu0-takes", own, 0x57);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("cpu1-takes", other, 0x57);
}
