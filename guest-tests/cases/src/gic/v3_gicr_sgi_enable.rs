//! `gic.v3-gicr-sgi-enable`: the redistributor's GICR_ISENABLER0 / GICR_ICENABLER0 set and clear
//! the enables of one CPU's SGIs and PPIs and both read the result.
//!
//! Spec: IHI 0069H §12.10 (GICR_ISENABLER0, GICR_ICENABLER0: write 1 to set / clear, write 0 no
//! effect, reads return the enables of SGIs and PPIs of this redistributor's PE) and §12.9
//! (with affinity routing the distributor's bank 0 is not where they live).
//!
//! Expected: writing bits 4 (SGI 4) and 27 (the timer PPI) to GICR_ISENABLER0 makes both
//! registers read exactly those bits (everything else reset disabled); a write of 0 to
//! GICR_ICENABLER0 changes nothing; writing bit 4 to GICR_ICENABLER0 leaves bit 27. Why: SGI and
//! PPI state is per vCPU in the redistributor frame; a vGIC that aliases it to the distributor
//! (or to another vCPU's frame) enables interrupts on the wrong CPU.

use guest_kit::regs::gicr;
use guest_kit::{Case, Ctx, Needs, RdFrame, Site};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v3-gicr-sgi-enable",
    title: "GICR_ISENABLER0 / GICR_ICENABLER0 set, clear and read back SGI/PPI enables",
    spec: "IHI 0069H 12.10 (GICR_ISENABLER0, GICR_ICENABLER0), 12.9",
    needs: Needs::GICV3,
    run,
};

const BITS: u32 = 1 << 4 | 1 << 27;

fn sgi(offset: u32) -> Site {
    Site::Gicr {
        cpu: 0,
        frame: RdFrame::Sgi,
        offset,
    }
}

fn run(ctx: &mut Ctx<'_>) {
    let (set, clear) = (sgi(gicr::ISENABLER0.base), sgi(gicr::ICENABLER0.base));
    ctx.write32(set, BITS);
    let (s, c) = (ctx.read32(set), ctx.read32(clear));
    ctx.check_eq("isenabler0-set", s.into(), BITS.into());
    ctx.check_eq("icenabler0-set", c.into(), BITS.into());
    ctx.write32(clear, 0);
    let s = ctx.read32(set);
    ctx.check_eq("zero-write-no-effect", s.into(), BITS.into());
    ctx.write32(clear, 1 << 4);
    let (s, c) = (ctx.read32(set), ctx.read32(clear));
    ctx.check_eq("isenabler0-cleared-one", s.into(), 1 << 27);
    ctx.check_eq("icenabler0-cleared-one", c.into(), 1 << 27);
    ctx.write32(clear, BITS);
}
