//! `gic.private-priority-byte`: the priorities of an SGI and a PPI are byte accessible in the
//! banked priority registers (GICD_IPRIORITYR0-7 on GICv2, GICR_IPRIORITYR0-7 on GICv3) and
//! read back masked to the implemented bits, without touching their neighbours.
//!
//! Spec: IHI 0048B §4.3.11 (GICD_IPRIORITYRn: byte-accessible; registers 0-7 banked per CPU);
//! IHI 0069H §12.10 (GICR_IPRIORITYR<n>: byte-accessible priorities of SGIs and PPIs) and §4.8.
//!
//! Expected: byte writes of 0x50 to SGI 2 and 0x90 to PPI 27 read back as those values masked
//! with the implemented-bits mask; each containing word shows the reset 0xa0 in its other lanes.
//! Why: the SGI/PPI priorities are per-vCPU state that a vGIC keeps apart from the SPIs (in the
//! redistributor on GICv3); a byte write that is widened or sent to the wrong bank corrupts a
//! neighbour or another vCPU.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.private-priority-byte",
    title: "SGI and PPI priorities: banked byte access reads back, neighbours untouched",
    spec: "IHI 0048B 4.3.11; IHI 0069H 12.10 (GICR_IPRIORITYR), 4.8",
    needs: Needs::ANY_GIC,
    run,
};

const CASES: [(IntId, u8); 2] = [(IntId::sgi(2), 0x50), (IntId::VIRTUAL_TIMER, 0x90)];

fn run(ctx: &mut Ctx<'_>) {
    let mask = ctx.info().pri_mask();
    for (intid, priority) in CASES {
        ctx.set_priority(intid, priority);
        let got = ctx.priority(intid);
        ctx.check_eq("byte-readback", got.into(), (priority & mask).into());
        let (word, shift) = ctx.irq_reg(gicd::IPRIORITYR, intid);
        let all = ctx.read32(word);
        let others = 0xa0a0_a0a0u32 & !(0xff << shift) & u32::from_ne_bytes([mask; 4]);
        let expected = others | u32::from(priority & mask) << shift;
        ctx.check_eq("word-lanes", all.into(), expected.into());
    }
}
