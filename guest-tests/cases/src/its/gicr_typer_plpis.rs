//! `its.gicr-typer-plpis`: every redistributor of a GIC with an ITS supports physical LPIs.
//!
//! Spec: IHI 0069H §12.11 (GICR_TYPER.PLPIS, bit 0: physical LPIs supported; the affinity and
//! processor number fields are the implementation's).
//!
//! Expected: PLPIS reads 1 on each CPU's redistributor; GICR_TYPER recorded. Why: a guest skips
//! LPI set-up on a redistributor that reports PLPIS = 0, so its MSIs never arrive.

use guest_kit::regs::gicr;
use guest_kit::{Allowed, Case, Ctx, Needs, RdFrame, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.gicr-typer-plpis",
    title: "every redistributor advertises physical LPIs (GICR_TYPER.PLPIS)",
    spec: "IHI 0069H 12.11 (GICR_TYPER)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let plpis = Allowed::Fixed { mask: 1, value: 1 };
    for cpu in 0..ctx.info().cpus {
        let site = Site::Gicr {
            cpu,
            frame: RdFrame::Rd,
            offset: gicr::TYPER,
        };
        ctx.read_impl("gicr-typer", site, Width::B64, plpis);
    }
}
