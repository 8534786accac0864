//! `gic.smp-v3-gicr-waker-cpu1`: CPU 1's GICR_WAKER, read from CPU 0 after CPU 1 woke its
//! redistributor, reports it awake (ProcessorSleep = 0, ChildrenAsleep = 0).
//!
//! Spec: IHI 0069H §12.11.44 (GICR_WAKER: ProcessorSleep [1], ChildrenAsleep [2] RO; bits [0]
//! and [31] IMPLEMENTATION DEFINED), §11.1 (power management: each PE's redistributor is woken
//! by clearing ProcessorSleep and waiting for ChildrenAsleep to clear) and §12.10 (any PE can
//! read any redistributor frame).
//!
//! Expected: after the reset (which writes ProcessorSleep = 0 in each redistributor, on its own
//! CPU) and a bounded wait, CPU 1's GICR_WAKER read from CPU 0 has bits [2:1] = 0b00; the rest is
//! recorded. Why: a vGIC that keeps one WAKER for all redistributors (or only wakes vCPU 0's)
//! hangs secondary CPUs' bring-up or shows them asleep to the boot CPU.

use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v3-gicr-waker-cpu1",
    title: "CPU 1's GICR_WAKER read from CPU 0 shows it awake",
    spec: "IHI 0069H 12.11.44, 11.1, 12.10",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    util::record_waker_awake(ctx, 1, "gicr-waker-cpu1");
}
