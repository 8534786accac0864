//! `its.typer-fields`: the fields of GITS_TYPER obey the architecture's constraints.
//!
//! Spec: IHI 0069H §12.19 (GITS_TYPER: Virtual, bit 1, is RES0 without GICv4 support; CIL, bit
//! 36: 0 means 16-bit collection IDs and CIDbits, bits [35:32], RES0).
//!
//! Expected: GITS_TYPER recorded (Physical = 1); on a GICv3 target Virtual reads 0; if CIL is 0,
//! CIDbits reads 0. Why: a guest that sees Virtual = 1 tries GICv4 vPE tables; a stray CIDbits
//! makes it size its collection table wrongly.

use guest_kit::{Case, Ctx, GicVersion, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.typer-fields",
    title: "GITS_TYPER fields are consistent with each other and the GIC version",
    spec: "IHI 0069H 12.19 (GITS_TYPER)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let typer = setup::typer(ctx).0;
    if ctx.info().gic == GicVersion::V3 {
        ctx.check_eq("virtual-res0-on-gicv3", (typer >> 1) & 1, 0);
    }
    if (typer >> 36) & 1 == 0 {
        ctx.check_eq("cidbits-res0-without-cil", (typer >> 32) & 0xf, 0);
    }
}
