//! `gic.v2-itargetsr-private`: on GICv2 the GICD_ITARGETSR fields of SGIs and PPIs are
//! read-only and name the reading CPU (RAZ/WI on a uniprocessor distributor).
//!
//! Spec: IHI 0048B §4.3.12 (GICD_ITARGETSR0-7 are read-only, each field returns a value that
//! corresponds only to the processor reading the register; uniprocessor implementations make
//! the ITARGETSRs RAZ/WI) and §4.3.2 (GICD_TYPER.CPUNumber).
//!
//! Expected: GICD_TYPER is recorded; with CPUNumber > 0, GICD_ITARGETSR0 (SGIs 0-3) and
//! GICD_ITARGETSR6 (PPIs 24-27, the timer's among them) read 0x01010101 on CPU 0, also after a
//! write of 0xffffffff; with CPUNumber = 0 both read 0. Why: Linux reads ITARGETSR0 to learn
//! each CPU's interface mask before it can send IPIs; a wrong value makes every IPI miss.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, Needs, Site};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v2-itargetsr-private",
    title: "SGI/PPI ITARGETSR fields are RO and read as CPU 0's own bit",
    spec: "IHI 0048B 4.3.12, 4.3.2",
    needs: Needs::GICV2,
    run,
};

const SGI_WORD: Site = Site::Gicd(gicd::ITARGETSR.base);
const PPI_WORD: Site = Site::Gicd(gicd::ITARGETSR.base + 4 * 6);

fn run(ctx: &mut Ctx<'_>) {
    let own = if ctx.gicd_typer().cpu_number() == 0 {
        0
    } else {
        0x0101_0101
    };
    let got = ctx.read32(SGI_WORD);
    ctx.check_eq("sgi-targets-self", got.into(), own);
    let got = ctx.read32(PPI_WORD);
    ctx.check_eq("ppi-targets-self", got.into(), own);
    ctx.write32(SGI_WORD, u32::MAX);
    let got = ctx.read32(SGI_WORD);
    ctx.check_eq("sgi-targets-read-only", got.into(), own);
}
