//! `gic.smp-active-banked`: the active state of SGIs and PPIs is banked per CPU:
//! GICD_ISACTIVER0/GICD_ICACTIVER0 (GICR_ on GICv3) on one CPU neither show nor change the other
//! CPU's.
//!
//! Spec: IHI 0048B §4.3.9 and §4.3.10 (GICD_ISACTIVERn/GICD_ICACTIVERn: in a multiprocessor
//! implementation register 0 is banked for each connected processor); IHI 0069H §12.10
//! (GICR_ISACTIVER0/GICR_ICACTIVER0, per redistributor).
//!
//! Expected: CPU 0 sets SGI 10 and PPI 27 active; CPU 1 reads both inactive and clears both
//! through its own ICACTIVER0; CPU 0 still reads both active, then clears them. Why: hypervisors
//! save and restore active state per vCPU through these registers (migration, KVM's
//! `GICD_ISACTIVER` uaccess); a shared bank 0 restores one CPU's in-progress IPI onto another.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-active-banked",
    title: "SGI 10 / PPI 27 active on CPU 0 are inactive on CPU 1 and survive CPU 1's clear",
    spec: "IHI 0048B 4.3.9, 4.3.10; IHI 0069H 12.10 (GICR_ISACTIVER0, GICR_ICACTIVER0)",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const SGI: IntId = IntId::sgi(10);
const PPI: IntId = IntId::VIRTUAL_TIMER;
const BITS: u32 = 1 << 10 | 1 << 27;

fn active_bits(ctx: &mut Ctx<'_>) -> u64 {
    let (site, _) = ctx.irq_reg(gicd::ISACTIVER, SGI);
    (ctx.read32(site) & BITS).into()
}

fn run(ctx: &mut Ctx<'_>) {
    let (set, _) = ctx.irq_reg(gicd::ISACTIVER, SGI);
    ctx.write32(set, BITS);
    let got = active_bits(ctx);
    ctx.check_eq("cpu0-active", got, BITS.into());
    ctx.on_cpu(1, |ctx| {
        let got = active_bits(ctx);
        ctx.check_eq("cpu1-inactive", got, 0);
        ctx.clear_active(SGI);
        ctx.clear_active(PPI);
    });
    let got = active_bits(ctx);
    ctx.check_eq("cpu0-still-active", got, BITS.into());
    ctx.clear_active(SGI);
    ctx.clear_active(PPI);
    let got = active_bits(ctx);
    ctx.check_eq("cpu0-cleared", got, 0);
}
