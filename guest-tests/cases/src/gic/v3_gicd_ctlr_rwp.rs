//! `gic.v3-gicd-ctlr-rwp`: after a GICD_CTLR write completes, GICD_CTLR.RWP reads 0.
//!
//! Spec: IHI 0069H §12.9.4 (GICD_CTLR.RWP, bit 31: 1 while the effects of a write to GICD_CTLR
//! or GICD_ICENABLER<n> are still propagating, 0 once they are visible) and §4.7 (observability
//! of register writes).
//!
//! Expected: the group enables are rewritten with the value the kit's reset chose and an
//! SPI is disabled through GICD_ICENABLER; after a bounded, untraced poll, one traced read shows
//! RWP = 0 (the rest of the register is recorded). Why: Linux's GICv3 driver spins on RWP after
//! every such write; a vGIC that leaves it set hangs the guest, and one that never sets it is
//! fine because the write is synchronous.

use guest_kit::regs::gicd::{self, Ctlr};
use guest_kit::{Allowed, Case, Ctx, IntId, Needs, Site, Width};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.v3-gicd-ctlr-rwp",
    title: "GICD_CTLR.RWP reads 0 once a GICD_CTLR or ICENABLER write has completed",
    spec: "IHI 0069H 12.9.4, 4.7",
    needs: Needs::GICV3,
    run,
};

const CTLR: Site = Site::Gicd(gicd::CTLR);
const RWP_CLEAR: Allowed = Allowed::Fixed {
    mask: Ctlr::RWP.bits() as u64,
    value: 0,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.write32(CTLR, (Ctlr::ARE | Ctlr::ENABLE_GRP1).bits());
    wait::until_all_clear(ctx, CTLR, Ctlr::RWP.bits());
    ctx.read_impl("ctlr-after-ctlr-write", CTLR, Width::B32, RWP_CLEAR);
    ctx.disable(IntId::spi(2));
    wait::until_all_clear(ctx, CTLR, Ctlr::RWP.bits());
    ctx.read_impl("ctlr-after-icenabler-write", CTLR, Width::B32, RWP_CLEAR);
}
