//! `x86.xapic-lowest-priority-sequence`: four lowest-priority IPIs 0x8d to logical 0x03 (both
//! CPUs), each followed by a window on each CPU, are each taken exactly once; which CPU took
//! each is recorded as a 4-bit pattern (bit n: CPU 1 took the n-th).
//!
//! Spec: Intel SDM vol. 3 §11.6.2.4 (lowest priority: one processor of the set, chosen in a
//! model-specific way); seed 001 (chipsets use round robin or vector hashing instead of TPR).
//!
//! Expected: four exactly-once checks; `lowest-priority-pattern` 0..15. Why: the pattern tells
//! arbitration by priority (always CPU 0 when idle), round robin (alternating) and vector
//! hashing (always the same CPU) apart across backends, while each delivery still counts once.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr};
use guest_kit::{Allowed, Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-lowest-priority-sequence",
    title: "four lowest-priority IPIs each reach exactly one CPU; the sequence of CPUs is recorded",
    spec: "Intel SDM vol. 3 11.6.2.4",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::LDR, lapic::ldr(0x01));
    ctx.on_cpu(1, |c| c.lapic_write(lapic::LDR, lapic::ldr(0x02)));
    let mut pattern = 0u64;
    for n in 0..4 {
        util::send(
            ctx,
            Icr::xapic_logical(DeliveryMode::LowestPriority, 0x8d, 0x03),
        );
        let own = util::take_and_eoi(ctx);
        let other = util::take_and_eoi_on(ctx, 1);
        ctx.check_eq(
            "exactly-once",
            u64::from(own == 0x8d) + u64::from(other == 0x8d),
            1,
        );
        pattern |= u64::from(other == 0x8d) << n;
    }
    ctx.impl_defined("lowest-priority-pattern", pattern, Allowed::Range(0, 15));
}
