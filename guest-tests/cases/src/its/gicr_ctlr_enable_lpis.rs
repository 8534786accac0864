//! `its.gicr-ctlr-enable-lpis`: GICR_CTLR.EnableLPIs reads 1 on every redistributor after the
//! kit enabled LPIs.
//!
//! Spec: IHI 0069H §12.11 (GICR_CTLR.EnableLPIs, bit 0: LPI support enabled; whether it can be
//! cleared again is implementation defined, CES; the other fields are recorded).
//!
//! Expected: EnableLPIs = 1 on each CPU. Why: a vGIC that drops the bit (or never latches it)
//! makes the guest believe its redistributor lost its tables.

use guest_kit::regs::gicr;
use guest_kit::{Allowed, Case, Ctx, Needs, RdFrame, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.gicr-ctlr-enable-lpis",
    title: "GICR_CTLR.EnableLPIs reads 1 once set",
    spec: "IHI 0069H 12.11 (GICR_CTLR)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let enabled = Allowed::Fixed { mask: 1, value: 1 };
    for cpu in 0..ctx.info().cpus {
        let site = Site::Gicr {
            cpu,
            frame: RdFrame::Rd,
            offset: gicr::CTLR,
        };
        ctx.read_impl("gicr-ctlr", site, Width::B32, enabled);
    }
}
