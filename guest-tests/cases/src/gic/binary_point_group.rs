//! `gic.binary-point-group`: with a binary point that leaves only priority bits [7:6] as the
//! group priority, a pending interrupt whose group priority equals the running one does not
//! preempt, even when its full priority is higher; one with a higher group priority does.
//!
//! Spec: IHI 0048B §3.3.3 (priority grouping: only the group priority decides preemption) and
//! §4.4.3 (GICC_BPR: value n makes bits [7:n+1] the group priority); IHI 0069H §4.8.3 and
//! §12.2 (ICC_BPR1_EL1: value n makes bits [7:n] the group priority).
//!
//! Expected: GICC_BPR = 5 (GICv2, Group 0) or ICC_BPR1_EL1 = 6 (GICv3, Group 1) reads back as
//! written (both are at or above any implementation's minimum). A (0xa0) is acknowledged; B
//! (0x80, same group 0x80) pending → acknowledge returns 1023; C (0x40, group 0x40) preempts;
//! after C's EOI B is still blocked; after A's EOI B is acknowledged. Every priority is
//! representable with four bits. Why: a vGIC that compares full priorities instead of group
//! priorities (or ignores the guest's BPR when it programs ICH_VMCR) nests interrupts the guest
//! asked to run to completion.

use guest_kit::regs::gicc;
use guest_kit::{Case, Ctx, IccReg, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.binary-point-group",
    title: "equal group priority does not preempt under a coarse binary point; higher does",
    spec: "IHI 0048B 3.3.3, 4.4.3; IHI 0069H 4.8.3, 12.2 (ICC_BPR1_EL1)",
    needs: Needs::ANY_GIC,
    run,
};

const A: IntId = IntId::spi(24);
const B: IntId = IntId::spi(25);
const C: IntId = IntId::spi(26);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    let (site, width) = (ctx.cpuif(gicc::BPR, IccReg::Bpr1), ctx.cpuif_width());
    let bpr = if ctx.info().gic.has_sysregs() { 6 } else { 5 };
    ctx.write(site, width, bpr);
    let got = ctx.read(site, width);
    ctx.check_eq("bpr-readback", got, bpr);
    for (spi, priority) in [(A, 0xa0), (B, 0x80), (C, 0x40)] {
        ctx.set_priority(spi, priority);
        ctx.enable(spi);
    }
    ctx.set_pending(A);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-a", got.raw().into(), A.raw().into());
    ctx.set_pending(B);
    wait::until_hppir(ctx, B);
    let got = ctx.ack();
    ctx.check_eq("same-group-blocked", got.raw().into(), SPURIOUS);
    ctx.set_pending(C);
    wait::until_hppir(ctx, C);
    let got = ctx.ack();
    ctx.check_eq("higher-group-preempts", got.raw().into(), C.raw().into());
    ctx.eoi(C);
    let got = ctx.ack();
    ctx.check_eq("still-blocked-after-c", got.raw().into(), SPURIOUS);
    ctx.eoi(A);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-b-after-a", got.raw().into(), B.raw().into());
    ctx.eoi(B);
    ctx.write(site, width, 0);
}
