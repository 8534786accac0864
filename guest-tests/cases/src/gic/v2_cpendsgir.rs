//! `gic.v2-cpendsgir`: a byte write to GICD_CPENDSGIR removes an SGI's pending state for the
//! source CPU whose bit is set, so nothing is acknowledged.
//!
//! Spec: IHI 0048B §4.3.16 (GICD_CPENDSGIRn: writing 1 to a bit removes the pending state of the
//! SGI for that source CPU), §4.3.17 (GICD_SPENDSGIRn) and §4.3.8 (GICD_ICPENDR0 cannot clear
//! SGI pending state on GICv2).
//!
//! Expected: SGI 7 made pending from CPU 0 by GICD_SGIR (TargetListFilter 0b10) while disabled
//! reads 0x01 in its GICD_SPENDSGIR byte; after writing 0x01 to its GICD_CPENDSGIR byte, both
//! bytes read 0 and GICD_ISPENDR0 bit 7 reads 0; enabled, the acknowledge returns 1023. Why:
//! this is how a GICv2 guest (or a migrating hypervisor) discards stale IPIs; a vGIC that only
//! implements GICD_ICPENDR leaves the SGI pending.

use guest_kit::regs::gicd::{self, Sgir};
use guest_kit::{Case, Ctx, IntId, Needs, Site, Width};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.v2-cpendsgir",
    title: "GICD_CPENDSGIR byte write clears an SGI's pending state for its source",
    spec: "IHI 0048B 4.3.16, 4.3.17, 4.3.8",
    needs: Needs::GICV2,
    run,
};

const SGI: IntId = IntId::sgi(7);
/// GICD_CPENDSGIR1 and GICD_SPENDSGIR1, byte 3: SGI 7.
const CPEND: Site = Site::Gicd(0xf10 + 7);
const SPEND: Site = Site::Gicd(0xf20 + 7);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.write32(Site::Gicd(gicd::SGIR), Sgir::to_self(SGI.raw()).0);
    let (pend, shift) = ctx.irq_reg(gicd::ISPENDR, SGI);
    wait::until_all_set(ctx, pend, 1 << shift);
    let got = ctx.read(SPEND, Width::B8);
    ctx.check_eq("pending-from-cpu0", got, 0x01);
    ctx.write(CPEND, Width::B8, 0x01);
    let (s, c) = (ctx.read(SPEND, Width::B8), ctx.read(CPEND, Width::B8));
    ctx.check_eq("spendsgir-cleared", s, 0);
    ctx.check_eq("cpendsgir-cleared", c, 0);
    let pending = ctx.is_pending(SGI);
    ctx.check("ispendr0-cleared", !pending);
    ctx.enable(SGI);
    let got = ctx.ack();
    ctx.check_eq("nothing-acknowledged", got.raw().into(), SPURIOUS);
}
