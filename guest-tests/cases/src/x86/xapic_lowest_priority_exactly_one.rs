//! `x86.xapic-lowest-priority-exactly-one`: a lowest-priority IPI 0x5f to logical 0x03 (both
//! CPUs, flat) is taken by exactly one CPU; which one is implementation-defined, recorded.
//!
//! Spec: Intel SDM vol. 3 §11.6.2.4 (lowest priority delivery: one processor of the destination
//! set; how it is chosen is model specific; seed 001: chipsets use round robin or vector
//! hashing).
//!
//! Expected: the two windows together take 0x5f once; `lowest-priority-cpu` 0 or 1. Why: KVM,
//! Xen and hardware pick differently (TPR, round robin, vector hashing); delivering to both or
//! to none is the bug.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr};
use guest_kit::{Allowed, Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-lowest-priority-exactly-one",
    title: "a lowest-priority IPI to two CPUs is taken by exactly one (which: recorded)",
    spec: "Intel SDM vol. 3 11.6.2.4",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x5f);

fn run(ctx: &mut Ctx<'_>) {
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
        u64::from(own == 0x5f) + u64::from(other == 0x5f),
        1,
    );
    ctx.impl_defined(
        "lowest-priority-cpu",
        u64::from(other == 0x5f),
        Allowed::OneOf(&[0, 1]),
    );
}
