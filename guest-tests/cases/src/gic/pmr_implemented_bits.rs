//! `gic.pmr-implemented-bits`: the priority mask keeps only the implemented priority bits.
//!
//! Spec: IHI 0048B §4.4.2 (GICC_PMR: with fewer than 256 priority levels the low-order bits
//! are RAZ/WI); IHI 0069H §12.2 (ICC_PMR_EL1: unimplemented low-order bits, per
//! ICC_CTLR_EL1.PRIbits, are RAZ/WI).
//!
//! Expected: writes of 0xff and 0x5a read back as 0xff and 0x5a masked to the target's
//! implemented priority bits (`TargetInfo::pri_mask`). Why: guests compute the number of
//! priority bits by writing 0xff to PMR and reading back; a vGIC that stores all eight bits
//! while its list registers implement five breaks that probe.

use guest_kit::regs::gicc;
use guest_kit::{Case, Ctx, IccReg, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.pmr-implemented-bits",
    title: "PMR reads back only the implemented priority bits",
    spec: "IHI 0048B 4.4.2; IHI 0069H 12.2 (ICC_PMR_EL1)",
    needs: Needs::ANY_GIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let (site, width) = (ctx.cpuif(gicc::PMR, IccReg::Pmr), ctx.cpuif_width());
    let mask = u64::from(ctx.info().pri_mask());
    ctx.set_priority_mask(0xff);
    let got = ctx.read(site, width);
    ctx.check_eq("pmr-0xff", got, mask);
    ctx.set_priority_mask(0x5a);
    let got = ctx.read(site, width);
    ctx.check_eq("pmr-0x5a", got, 0x5a & mask);
    ctx.set_priority_mask(0xff);
}
