//! `gic.smp-v3-gicr-typer-cpu1`: CPU 1's GICR_TYPER, read from CPU 0, identifies a different
//! PE from CPU 0's, and reads the same from CPU 1.
//!
//! Spec: IHI 0069H §12.11.40 (GICR_TYPER: Affinity_Value [63:32] is the affinity of the PE the
//! redistributor serves; Processor_Number [23:8] a unique identifier of that PE) and §12.10 (the
//! redistributor frames are memory mapped: any PE reads any of them). Both values are
//! IMPLEMENTATION DEFINED (QEMU: Processor_Number 1, affinity 0.0.0.1) and recorded.
//!
//! Expected: GICR_TYPER of CPUs 0 and 1 read from CPU 0 are recorded; their Affinity_Value and
//! Processor_Number differ; CPU 1 reading its own redistributor's GICR_TYPER gets the same value
//! CPU 0 read. Why: guests find their own redistributor by matching MPIDR with Affinity_Value
//! while walking the region; a vGIC whose frames all answer with the reader's (or vCPU 0's)
//! identity binds every CPU to the same redistributor.

use guest_kit::regs::gicr::{self, Typer};
use guest_kit::{Allowed, Case, Ctx, Needs, RdFrame, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v3-gicr-typer-cpu1",
    title: "CPU 1's GICR_TYPER (recorded) names another PE than CPU 0's, from either CPU",
    spec: "IHI 0069H 12.11.40, 12.10",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV3
    },
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
    let cpu0 = Typer(ctx.read_impl("gicr-typer-cpu0", typer(0), Width::B64, Allowed::Any));
    let cpu1 = Typer(ctx.read_impl("gicr-typer-cpu1", typer(1), Width::B64, Allowed::Any));
    ctx.check("affinities-differ", cpu0.affinity() != cpu1.affinity());
    ctx.check(
        "processor-numbers-differ",
        cpu0.processor_number() != cpu1.processor_number(),
    );
    ctx.on_cpu(1, |ctx| {
        let same = Allowed::Fixed {
            mask: u64::MAX,
            value: cpu1.0,
        };
        ctx.read_impl("gicr-typer-cpu1-own", typer(1), Width::B64, same);
    });
}
