//! `gic.preemption`: while an SPI of priority 0x80 is active, a pending 0x40 SPI is
//! acknowledged (it preempts) and a pending 0xc0 SPI is not, until the 0x80 one has ended.
//!
//! Spec: IHI 0048B §3.3 (preemption: an interrupt is signalled only if its group priority is
//! higher than the running priority) and §4.4.4; IHI 0069H §4.8 (preemption) and §12.2.
//!
//! Expected: A (0x80) acknowledged; C (0xc0) pending → acknowledge returns 1023; B (0x40)
//! pending → acknowledge returns B; after B's EOI C is still blocked (1023); after A's EOI the
//! acknowledge returns C. The three priorities differ in bits [7:6], so every binary point the
//! reset value 0 can be rounded up to keeps them in distinct groups. Why: nested interrupts are
//! where a vGIC's active-priority bookkeeping (GICH_APR / ICH_AP1R) goes wrong.

use guest_kit::{Case, Ctx, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.preemption",
    title: "a higher priority SPI preempts an active one; a lower one waits for its EOI",
    spec: "IHI 0048B 3.3, 4.4.4; IHI 0069H 4.8, 12.2 (ICC_IAR1_EL1)",
    needs: Needs::ANY_GIC,
    run,
};

const A: IntId = IntId::spi(20);
const B: IntId = IntId::spi(21);
const C: IntId = IntId::spi(22);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    for (spi, priority) in [(A, 0x80), (B, 0x40), (C, 0xc0)] {
        ctx.set_priority(spi, priority);
        ctx.enable(spi);
    }
    ctx.set_pending(A);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-0x80", got.raw().into(), A.raw().into());
    ctx.set_pending(C);
    let got = ctx.ack();
    ctx.check_eq("lower-blocked", got.raw().into(), SPURIOUS);
    ctx.set_pending(B);
    wait::until_hppir(ctx, B);
    let got = ctx.ack();
    ctx.check_eq("higher-preempts", got.raw().into(), B.raw().into());
    ctx.eoi(B);
    let got = ctx.ack();
    ctx.check_eq("lower-still-blocked", got.raw().into(), SPURIOUS);
    ctx.eoi(A);
    let got = ctx.ack_when_pending();
    ctx.check_eq("lower-after-eoi", got.raw().into(), C.raw().into());
    ctx.eoi(C);
}
