//! `gic.active-set-clear`: GICD_ISACTIVER makes an SPI active and GICD_ICACTIVER makes it
//! inactive, without touching its pending state.
//!
//! Spec: IHI 0048B §4.3.9 and §4.3.10 (GICD_ISACTIVERn / GICD_ICACTIVERn: writing 1 activates
//! or deactivates; reads return the active state); IHI 0069H §12.9 (GICD_ISACTIVER<n>,
//! GICD_ICACTIVER<n>).
//!
//! Expected: after ISACTIVER the SPI reads active (through both registers) and not pending;
//! after ICACTIVER it reads inactive through both. Why: hypervisors and guests save and restore
//! active state through these registers on migration; KVM's "new VGIC" had to special-case
//! active-state changes of interrupts that sit in another vCPU's list registers.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.active-set-clear",
    title: "ISACTIVER makes an SPI active, ICACTIVER inactive; both read the state",
    spec: "IHI 0048B 4.3.9, 4.3.10; IHI 0069H 12.9 (GICD_ISACTIVER, GICD_ICACTIVER)",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(7);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_active(SPI);
    let (set, clr) = (ctx.is_active(SPI), ctx.read_bit(gicd::ICACTIVER, SPI));
    ctx.check("isactiver-reads-active", set);
    ctx.check("icactiver-reads-active", clr);
    let pending = ctx.is_pending(SPI);
    ctx.check("not-pending", !pending);
    ctx.clear_active(SPI);
    let (set, clr) = (ctx.is_active(SPI), ctx.read_bit(gicd::ICACTIVER, SPI));
    ctx.check("isactiver-reads-inactive", !set);
    ctx.check("icactiver-reads-inactive", !clr);
}
