//! `gic.v3-gicr-typer`: GICR_TYPER, read as one 64-bit access, is recorded; CPU 0's
//! redistributor reports affinity 0.0.0.0 and the last redistributor has Last set.
//!
//! Spec: IHI 0069H §12.11.40 (GICR_TYPER: Affinity_Value [63:32] is the affinity of the PE the
//! redistributor serves; Processor_Number [23:8]; Last [4] marks the highest-numbered
//! redistributor of a contiguous region) and §12.10 (redistributor regions).
//!
//! Expected: the whole register is implementation defined (PLPIS, VLPIS, DirectLPI,
//! Processor_Number, ...) and recorded; CPU 0's Affinity_Value is 0, the kit's model of CPU 0
//! (every case, e.g. `gic.sgi-self`, targets Aff 0.0.0.0); the redistributor of the last CPU in
//! discovery order has Last = 1. Why: guests walk the redistributor region until Last and match
//! each frame to a CPU by affinity; a wrong Affinity_Value or a missing Last sends the walk off
//! the end of the region or binds a CPU to another CPU's SGIs.

use guest_kit::regs::gicr;
use guest_kit::{Allowed, Case, Ctx, Needs, RdFrame, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v3-gicr-typer",
    title: "GICR_TYPER is recorded; CPU 0 has affinity 0 and the last redistributor sets Last",
    spec: "IHI 0069H 12.11.40, 12.10",
    needs: Needs::GICV3,
    run,
};

fn typer(cpu: u8) -> Site {
    Site::Gicr {
        cpu,
        frame: RdFrame::Rd,
        offset: gicr::TYPER,
    }
}

fn run(ctx: &mut Ctx<'_>) {
    let cpu0 = ctx.read_impl("gicr-typer-cpu0", typer(0), Width::B64, Allowed::Any);
    ctx.check_eq("cpu0-affinity", gicr::Typer(cpu0).affinity().into(), 0);
    let last_cpu = ctx.info().cpus.saturating_sub(1);
    let last = ctx.read_impl("gicr-typer-last", typer(last_cpu), Width::B64, Allowed::Any);
    ctx.check("last-redistributor-sets-last", gicr::Typer(last).last());
}
