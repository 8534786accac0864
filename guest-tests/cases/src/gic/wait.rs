//! Untraced, bounded waits shared by the GIC cases. They cover the propagation delay the
//! architecture allows between a distributor write and the CPU interface (IHI 0069H §4.7)
//! without adding observations, so the trace stays the same however long the wait takes.

use guest_kit::gic::PENDING_POLLS;
use guest_kit::regs::gicc;
use guest_kit::{Ctx, IccReg, IntId, Site, Width};

/// Polls the highest priority pending interrupt (GICC_HPPIR or ICC_HPPIR1_EL1) until it is
/// `want`, or gives up after [`PENDING_POLLS`] polls (the traced access that follows then shows
/// what the target reports).
pub fn until_hppir(ctx: &mut Ctx<'_>, want: IntId) {
    let (site, width) = (ctx.cpuif(gicc::HPPIR, IccReg::Hppir1), ctx.cpuif_width());
    for _ in 0..PENDING_POLLS {
        match ctx.raw().read(site, width) {
            Ok(v) if gicc::Iar(v as u32).intid() == want => return,
            _ => ctx.delay(),
        }
    }
}

/// Polls the highest priority pending interrupt until it is not a special INTID (bounded).
pub fn until_any_pending(ctx: &mut Ctx<'_>) {
    let (site, width) = (ctx.cpuif(gicc::HPPIR, IccReg::Hppir1), ctx.cpuif_width());
    for _ in 0..PENDING_POLLS {
        match ctx.raw().read(site, width) {
            Ok(v) if !gicc::Iar(v as u32).intid().is_special() => return,
            _ => ctx.delay(),
        }
    }
}

/// Polls the 32-bit register `site` (untraced) until all bits of `mask` read 1 (bounded).
pub fn until_all_set(ctx: &mut Ctx<'_>, site: Site, mask: u32) {
    for _ in 0..PENDING_POLLS {
        match ctx.raw().read(site, Width::B32) {
            Ok(v) if v as u32 & mask == mask => return,
            _ => ctx.delay(),
        }
    }
}

/// Polls the 32-bit register `site` (untraced) until all bits of `mask` read 0 (bounded).
pub fn until_all_clear(ctx: &mut Ctx<'_>, site: Site, mask: u32) {
    for _ in 0..PENDING_POLLS {
        match ctx.raw().read(site, Width::B32) {
            Ok(v) if v as u32 & mask == 0 => return,
            _ => ctx.delay(),
        }
    }
}
