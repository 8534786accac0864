//! `gic.smp-enable-banked`: the enable of a PPI is banked per CPU: enabling PPI 27 on CPU 0 does
//! not enable it on CPU 1, and disabling it on CPU 0 leaves CPU 1's enable alone.
//!
//! Spec: IHI 0048B §4.3.5 (GICD_ISENABLERn/GICD_ICENABLERn: in a multiprocessor implementation
//! GICD_ISENABLER0 and GICD_ICENABLER0 are banked for each connected processor); IHI 0069H
//! §12.10 (GICR_ISENABLER0/GICR_ICENABLER0, one per redistributor, i.e. per PE).
//!
//! Expected: after CPU 0 sets bit 27, CPU 0 reads it set and CPU 1 reads it clear; after CPU 1
//! sets it and CPU 0 clears it, CPU 1 still reads it set and CPU 0 clear. Why: each vCPU's timer
//! PPI is enabled by that vCPU at bring-up; a vGIC with one shared bank 0 lets a CPU going
//! offline switch off the timer of every other CPU.

use guest_kit::regs::gicd;
use guest_kit::{Allowed, Case, Ctx, IntId, Needs, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-enable-banked",
    title: "PPI 27 enabled or disabled on CPU 0 keeps CPU 1's own enable",
    spec: "IHI 0048B 4.3.5; IHI 0069H 12.10 (GICR_ISENABLER0, GICR_ICENABLER0)",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const PPI: IntId = IntId::VIRTUAL_TIMER;

/// Reads the enable bank holding PPI 27 and checks bit 27 only: the SGI bits of GICD_ISENABLER0
/// may be fixed at 1 on GICv2 (IMPLEMENTATION DEFINED, IHI 0048B §4.3.5), so the word is
/// recorded, not compared.
fn check_enabled(ctx: &mut Ctx<'_>, label: &'static str, on: bool) {
    let (site, shift) = ctx.irq_reg(gicd::ISENABLER, PPI);
    let bit = 1u64 << shift;
    let value = if on { bit } else { 0 };
    ctx.read_impl(label, site, Width::B32, Allowed::Fixed { mask: bit, value });
}

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(PPI);
    check_enabled(ctx, "cpu0-enabled", true);
    ctx.on_cpu(1, |ctx| {
        check_enabled(ctx, "cpu1-untouched-by-cpu0-enable", false);
        ctx.enable(PPI);
    });
    ctx.disable(PPI);
    check_enabled(ctx, "cpu0-disabled", false);
    ctx.on_cpu(1, |ctx| {
        check_enabled(ctx, "cpu1-untouched-by-cpu0-disable", true);
        ctx.disable(PPI);
    });
}
