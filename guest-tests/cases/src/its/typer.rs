//! `its.typer`: GITS_TYPER is recorded (implementation defined) and describes a physical ITS.
//!
//! Spec: IHI 0069H §12.19 (GITS_TYPER: Physical, ITT_entry_size, ID_bits, Devbits, PTA, HCC, CIL;
//! an ITS that translates to physical LPIs has Physical = 1).
//!
//! Expected: Physical (bit 0) reads 1; the rest is recorded as the implementation's choice. Why:
//! a guest sizes its ITTs and device table from these fields; the matrix shows each vITS's
//! choices side by side.

use guest_kit::regs::gits;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.typer",
    title: "GITS_TYPER is recorded and describes a physical ITS",
    spec: "IHI 0069H 12.19 (GITS_TYPER)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let physical = Allowed::Fixed { mask: 1, value: 1 };
    ctx.read_impl("gits-typer", Site::Gits(gits::TYPER), Width::B64, physical);
}
