//! `its.gicd-typer-lpis`: with an ITS, GICD_TYPER.LPIS reads 1 and IDbits covers the LPI range.
//!
//! Spec: IHI 0069H §12.9 (GICD_TYPER: LPIS, bit 17, 1 when LPIs are supported; IDbits, bits
//! [23:19], INTID bits minus one, at least 13 (14 bits) when LPIS = 1).
//!
//! Expected: LPIS = 1 and IDbits >= 13; GICD_TYPER recorded. Why: a guest decides whether to
//! probe the ITS and how large to make its LPI tables from these fields.

use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "its.gicd-typer-lpis",
    title: "GICD_TYPER advertises LPIs and enough INTID bits for them",
    spec: "IHI 0069H 12.9 (GICD_TYPER)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let typer = ctx.gicd_typer();
    ctx.check("lpis", typer.lpis());
    ctx.check("idbits-cover-lpis", typer.id_bits() >= 13);
}
