//! `gic.ipriorityr-word-write`: a 32-bit write to GICD_IPRIORITYR sets the priorities of four
//! interrupts at once, one per byte lane.
//!
//! Spec: IHI 0048B §4.3.11 (GICD_IPRIORITYRn: byte n of register m holds the priority of
//! interrupt 4m + n; unimplemented low-order bits RAZ/WI); IHI 0069H §12.9
//! (GICD_IPRIORITYR<n>).
//!
//! Expected: writing 0x10_40_80_c0 to the word of INTIDs 40-43 makes their byte reads 0xc0,
//! 0x80, 0x40 and 0x10, each masked to the implemented priority bits. Why: guests that save
//! and restore the distributor (suspend, kexec, Xen's and KVM's own migration code) move
//! priorities a word at a time; a vGIC that applies only the first lane corrupts three.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.ipriorityr-word-write",
    title: "a word write to IPRIORITYR sets four priorities, each read back by byte",
    spec: "IHI 0048B 4.3.11; IHI 0069H 12.9 (GICD_IPRIORITYR)",
    needs: Needs::ANY_GIC,
    run,
};

/// INTIDs 40-43: GICD_IPRIORITYR10.
const FIRST: u32 = 8;
const PRIORITIES: [u8; 4] = [0xc0, 0x80, 0x40, 0x10];

fn run(ctx: &mut Ctx<'_>) {
    let (site, _) = ctx.irq_reg(gicd::IPRIORITYR, IntId::spi(FIRST));
    ctx.write32(site, u32::from_le_bytes(PRIORITIES));
    let mask = ctx.info().pri_mask();
    for (i, priority) in (0..).zip(PRIORITIES) {
        let got = ctx.priority(IntId::spi(FIRST + i));
        ctx.check_eq("byte-lane", got.into(), (priority & mask).into());
    }
}
