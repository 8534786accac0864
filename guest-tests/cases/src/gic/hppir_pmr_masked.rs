//! `gic.hppir-pmr-masked`: what the highest-priority-pending register reports while the only
//! pending interrupt is masked by the priority mask is recorded; the acknowledge must return
//! 1023.
//!
//! Spec: IHI 0048B §4.4.8 (GICC_HPPIR: the highest priority pending interrupt) and §3.3
//! (priority masking decides signalling); IHI 0069H §12.2 (ICC_HPPIR1_EL1, ICC_IAR1_EL1) and
//! §4.8. Neither register description says whether an interrupt masked by PMR counts as the
//! highest priority pending one, so HPPIR is recorded as implementation defined (the SPI or
//! 1023); the acknowledge, which only returns a signalled interrupt, is checked.
//!
//! Expected: SPI at 0xa0, PMR 0x80: HPPIR ∈ {SPI, 1023} (recorded), IAR 1023; with PMR 0xff the
//! acknowledge returns the SPI. Why: guests and hypervisors read HPPIR to decide whether to
//! take an interrupt now; the matrix shows which vGICs filter it by PMR.

use guest_kit::regs::gicc;
use guest_kit::{Allowed, Case, Ctx, IccReg, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.hppir-pmr-masked",
    title: "HPPIR with the pending SPI masked by PMR is recorded; IAR returns 1023",
    spec: "IHI 0048B 4.4.8, 3.3; IHI 0069H 12.2 (ICC_HPPIR1_EL1), 4.8",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(20);
const EITHER: Allowed = Allowed::OneOf(&[SPI.raw() as u64, IntId::SPURIOUS.raw() as u64]);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority(SPI, 0xa0);
    ctx.set_priority_mask(0x80);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    wait::until_hppir(ctx, SPI);
    let (site, width) = (ctx.cpuif(gicc::HPPIR, IccReg::Hppir1), ctx.cpuif_width());
    ctx.read_impl("hppir-pmr-masked", site, width, EITHER);
    let got = ctx.ack();
    ctx.check_eq("iar-masked", got.raw().into(), SPURIOUS);
    ctx.set_priority_mask(0xff);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-after-unmask", got.raw().into(), SPI.raw().into());
    ctx.eoi(SPI);
}
