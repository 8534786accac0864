//! `gic.v2-typer-cpu-number`: on GICv2, GICD_TYPER.CPUNumber counts at least the CPUs the
//! target runs.
//!
//! Spec: IHI 0048B §4.3.2 (GICD_TYPER.CPUNumber, bits [7:5]: the number of implemented CPU
//! interfaces minus one).
//!
//! Expected: CPUNumber + 1 >= the number of CPUs found (the register itself is recorded, not
//! judged). Why: GICv2 guests use CPUNumber to size GICD_ITARGETSR masks and SGI target lists;
//! a vGIC reporting fewer interfaces than vCPUs makes the extra vCPUs unreachable. On GICv3 the
//! field only describes the legacy (ARE = 0) view, so the case is GICv2 only.

use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v2-typer-cpu-number",
    title: "GICD_TYPER.CPUNumber covers every CPU of the target",
    spec: "IHI 0048B 4.3.2",
    needs: Needs::GICV2,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let interfaces = ctx.gicd_typer().cpu_number() + 1;
    let cpus = u32::from(ctx.info().cpus);
    ctx.check("cpu-number-covers-cpus", interfaces >= cpus);
}
