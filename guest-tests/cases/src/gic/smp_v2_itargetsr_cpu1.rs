//! `gic.smp-v2-itargetsr-cpu1`: GICD_ITARGETSR0-7 (SGIs and PPIs) read as the reading CPU's own
//! bit: 0x01 in every byte on CPU 0, 0x02 on CPU 1; they are read-only on both.
//!
//! Spec: IHI 0048B §4.3.12 (GICD_ITARGETSRn: in a multiprocessor implementation
//! GICD_ITARGETSR0 to GICD_ITARGETSR7 are read-only, and each field returns a value that
//! corresponds only to the processor reading the register).
//!
//! Expected: CPU 1 reads ITARGETSR0 (SGIs 0-3) and ITARGETSR7 (PPIs 28-31) as 0x0202_0202 and
//! still does after writing all ones; CPU 0 reads ITARGETSR0 as 0x0101_0101. Why: Linux's GICv2
//! driver learns each CPU's interface mask by reading ITARGETSR0 on that CPU (`gic_get_cpumask`)
//! and targets its SGIs with it; a vGIC that answers with vCPU 0's mask everywhere makes every
//! IPI land on CPU 0.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, Needs, Site};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v2-itargetsr-cpu1",
    title: "GICD_ITARGETSR0-7 read 0x02 per byte on CPU 1 (0x01 on CPU 0), read-only",
    spec: "IHI 0048B 4.3.12",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV2
    },
    run,
};

const SGI_WORD: Site = Site::Gicd(gicd::ITARGETSR.base);
const PPI_WORD: Site = Site::Gicd(gicd::ITARGETSR.base + 4 * 7);

fn run(ctx: &mut Ctx<'_>) {
    ctx.on_cpu(1, |ctx| {
        let got = ctx.read32(SGI_WORD);
        ctx.check_eq("cpu1-sgi-targets", got.into(), 0x0202_0202);
        let got = ctx.read32(PPI_WORD);
        ctx.check_eq("cpu1-ppi-targets", got.into(), 0x0202_0202);
        ctx.write32(SGI_WORD, u32::MAX);
        let got = ctx.read32(SGI_WORD);
        ctx.check_eq("cpu1-read-only", got.into(), 0x0202_0202);
    });
    let got = ctx.read32(SGI_WORD);
    ctx.check_eq("cpu0-sgi-targets", got.into(), 0x0101_0101);
}
