//! `x86.xapic-lowest-priority-with-tpr`: with CPU 0's TPR at 0x40 (below the vector's class 6),
//! a lowest-priority IPI 0x60 to both CPUs is taken by exactly one; which is recorded.
//!
//! Spec: Intel SDM vol. 3 §11.6.2.4 (the choice may use TPR/APR or not: model specific), seed
//! 001 (modern chipsets ignore TPR: round robin or vector hashing).
//!
//! Expected: taken once in all; `lowest-priority-cpu-tpr` 0 or 1. Why: whether a hypervisor
//! honours TPR in the arbitration is its choice; it must still deliver once.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr};
use guest_kit::{Allowed, Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-lowest-priority-with-tpr",
    title: "lowest priority with CPU 0's TPR raised still reaches exactly one CPU (recorded)",
    spec: "Intel SDM vol. 3 11.6.2.4",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x60);

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::TPR, 0x40);
    ctx.lapic_write(lapic::LDR, lapic::ldr(0x01));
    ctx.on_cpu(1, |c| c.lapic_write(lapic::LDR, lapic::ldr(0x02)));
    util::send(
        ctx,
        Icr::xapic_logical(DeliveryMode::LowestPriority, V.raw(), 0x03),
    );
    let own = util::take_and_eoi(ctx);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq(
        "taken-once-in-all",
        u64::from(own == 0x60) + u64::from(other == 0x60),
        1,
    );
    ctx.impl_defined(
        "lowest-priority-cpu-tpr",
        u64::from(other == 0x60),
        Allowed::OneOf(&[0, 1]),
    );
    ctx.lapic_write(lapic::TPR, 0);
}
