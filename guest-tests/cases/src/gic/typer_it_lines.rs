//! `gic.typer-it-lines`: GICD_TYPER is recorded as an implementation-defined value, and its
//! ITLinesNumber agrees with the number of interrupt lines the target was discovered with.
//!
//! Spec: IHI 0048B §4.3.2 (GICD_TYPER: ITLinesNumber, bits [4:0], the distributor supports
//! 32 * (N + 1) interrupt IDs) and §3.1.2 (identifying the supported interrupts); IHI 0069H
//! §12.9.38 (GICD_TYPER.ITLinesNumber: maximum SPI INTID is 32 * (N + 1) - 1).
//!
//! Expected: the register value is free (SecurityExtn, LSPI, LPIS, IDbits, ... are the
//! implementation's choice) but ITLinesNumber equals `TargetInfo::it_lines`. Why: guests size
//! their SPI tables from ITLinesNumber; a vGIC that advertises more lines than it backs with
//! state (or fewer than the machine description uses) corrupts or loses interrupts.

use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.typer-it-lines",
    title: "GICD_TYPER is recorded; ITLinesNumber matches the discovered interrupt lines",
    spec: "IHI 0048B 4.3.2, 3.1.2; IHI 0069H 12.9.38",
    needs: Needs::ANY_GIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let typer = ctx.gicd_typer();
    let it_lines = ctx.info().it_lines;
    ctx.check_eq(
        "it-lines-number",
        typer.it_lines_number().into(),
        it_lines.into(),
    );
}
