//! `gic.v2-sgir-filter-reserved`: what a GICD_SGIR write with the reserved TargetListFilter
//! 0b11 does is recorded, not judged.
//!
//! Spec: IHI 0048B §4.3.15 (GICD_SGIR: TargetListFilter 0b11 is reserved; the specification
//! does not say what a write with it does, so no outcome is architectural).
//!
//! Expected: after the write (SGI 9, CPU 0's bit in CPUTargetList) and a bounded wait, whether
//! SGI 9 is pending at CPU 0 is recorded as implementation defined (0 or 1); the case then
//! clears any pending state untraced (GICD_CPENDSGIR) and checks that the acknowledge returns
//! 1023 (whatever it did at other CPUs is cleared by the kit's reset). Why: the matrix shows
//! which vGICs ignore such a write (as a reserved encoding usually is) and which treat it as a
//! target list or a broadcast.

use guest_kit::regs::gicd;
use guest_kit::{Allowed, Case, Ctx, IntId, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v2-sgir-filter-reserved",
    title: "GICD_SGIR TargetListFilter 0b11 (reserved): the effect is recorded",
    spec: "IHI 0048B 4.3.15",
    needs: Needs::GICV2,
    run,
};

const SGI: IntId = IntId::sgi(9);
/// GICD_CPENDSGIR2, byte 1: SGI 9.
const CPEND: Site = Site::Gicd(0xf10 + 9);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.write32(Site::Gicd(gicd::SGIR), 0b11 << 24 | 0x01 << 16 | SGI.raw());
    for _ in 0..16 {
        ctx.delay();
    }
    let (pend, shift) = ctx.irq_reg(gicd::ISPENDR, SGI);
    let word = ctx.raw().read(pend, Width::B32).unwrap_or(0);
    let bit = word >> shift & 1;
    ctx.impl_defined("sgir-0b11-pending-at-self", bit, Allowed::OneOf(&[0, 1]));
    let _ = ctx.raw().write(CPEND, Width::B8, 0xff);
    ctx.enable(SGI);
    let got = ctx.ack();
    ctx.check_eq("nothing-after-clear", got.raw().into(), SPURIOUS);
}
