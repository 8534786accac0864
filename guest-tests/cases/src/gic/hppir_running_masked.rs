//! `gic.hppir-running-masked`: what the highest-priority-pending register reports while the
//! only pending interrupt cannot preempt the running priority is recorded; the acknowledge
//! must return 1023.
//!
//! Spec: IHI 0048B §4.4.8 (GICC_HPPIR) and §3.3 (preemption decides signalling); IHI 0069H
//! §12.2 (ICC_HPPIR1_EL1, ICC_IAR1_EL1) and §4.8. Whether a pending interrupt of insufficient
//! priority to preempt is reported by HPPIR is not stated by the register descriptions, so the
//! value is recorded as implementation defined (the SPI or 1023).
//!
//! Expected: A (0x40) acknowledged; B (0x80) pending: HPPIR ∈ {B, 1023} (recorded), IAR 1023;
//! after A's EOI the acknowledge returns B. Why: Linux's GICv3 driver and hypervisors' own
//! "is an interrupt pending" checks read HPPIR; the matrix shows which vGICs filter it by the
//! running priority.

use guest_kit::regs::gicc;
use guest_kit::{Allowed, Case, Ctx, IccReg, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.hppir-running-masked",
    title: "HPPIR with the pending SPI below the running priority is recorded; IAR is 1023",
    spec: "IHI 0048B 4.4.8, 3.3; IHI 0069H 12.2 (ICC_HPPIR1_EL1), 4.8",
    needs: Needs::ANY_GIC,
    run,
};

const A: IntId = IntId::spi(21);
const B: IntId = IntId::spi(22);
const EITHER: Allowed = Allowed::OneOf(&[B.raw() as u64, IntId::SPURIOUS.raw() as u64]);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    for (spi, priority) in [(A, 0x40), (B, 0x80)] {
        ctx.set_priority(spi, priority);
        ctx.enable(spi);
    }
    ctx.set_pending(A);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-a", got.raw().into(), A.raw().into());
    ctx.set_pending(B);
    wait::until_hppir(ctx, B);
    let (site, width) = (ctx.cpuif(gicc::HPPIR, IccReg::Hppir1), ctx.cpuif_width());
    ctx.read_impl("hppir-below-running", site, width, EITHER);
    let got = ctx.ack();
    ctx.check_eq("iar-blocked", got.raw().into(), SPURIOUS);
    ctx.eoi(A);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-b-after-eoi", got.raw().into(), B.raw().into());
    ctx.eoi(B);
}
