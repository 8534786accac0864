//! `x86.lapic-version-same-on-every-cpu`: CPU 1's APIC Version register reads the same as CPU
//! 0's.
//!
//! Spec: Intel SDM vol. 3 §11.4.8 (Local APIC Version Register).
//!
//! Expected: equal values. Why: guests read the version and LVT count once, on the boot CPU,
//! and assume it of every CPU; a per-vCPU difference is an emulation slip.

use guest_kit::regs::lapic;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.lapic-version-same-on-every-cpu",
    title: "every CPU's local APIC reports the same Version register",
    spec: "Intel SDM vol. 3 11.4.8",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    // The version itself is the implementation's (SDM 11.4.8): recorded, not judged; only the
    // equality is architectural.
    let version = Site::Lapic(lapic::VERSION);
    let own = ctx.read_impl("lapic-version-cpu0", version, Width::B32, Allowed::Any);
    let mut other = 0;
    ctx.on_cpu(1, |c| {
        other = c.read_impl("lapic-version-cpu1", version, Width::B32, Allowed::Any);
    });
    ctx.check_eq("same-version", other, own);
}
