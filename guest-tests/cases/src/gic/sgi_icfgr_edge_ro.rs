//! `gic.sgi-icfgr-edge-ro`: the configuration register of the SGIs reads edge-triggered for
//! every SGI and ignores writes.
//!
//! Spec: IHI 0048B §4.3.13 (GICD_ICFGRn: for SGIs the Int_config fields are read-only,
//! Int_config[1] = 1, edge-triggered; GICD_ICFGR0 is read-only); IHI 0069H §12.11 (GICR_ICFGR0:
//! SGI configuration is RO, 0b10 per SGI).
//!
//! Expected: GICD_ICFGR0 (GICv2) or GICR_ICFGR0 (GICv3) reads 0xaaaaaaaa, and still does after a
//! write of 0. Why: SGIs are edge semantics by definition; a vGIC that lets the field change
//! (or reads it as level) gives the guest a register it then trusts when saving and restoring.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.sgi-icfgr-edge-ro",
    title: "the SGIs' ICFGR reads 0xaaaaaaaa (edge) and ignores a write of 0",
    spec: "IHI 0048B 4.3.13; IHI 0069H 12.11 (GICR_ICFGR0)",
    needs: Needs::ANY_GIC,
    run,
};

const ALL_EDGE: u64 = 0xaaaa_aaaa;

fn run(ctx: &mut Ctx<'_>) {
    let (site, _) = ctx.irq_reg(gicd::ICFGR, IntId::sgi(0));
    let got = ctx.read32(site);
    ctx.check_eq("sgi-config-edge", got.into(), ALL_EDGE);
    ctx.write32(site, 0);
    let got = ctx.read32(site);
    ctx.check_eq("sgi-config-read-only", got.into(), ALL_EDGE);
}
