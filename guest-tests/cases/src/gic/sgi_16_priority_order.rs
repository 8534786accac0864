//! `gic.sgi-16-priority-order`: all sixteen SGIs sent to self, with sixteen distinct
//! priorities, are acknowledged in priority order, each once.
//!
//! Spec: IHI 0048B §4.3.15 (GICD_SGIR) and §3.3 (prioritization); IHI 0069H §12.2.22
//! (ICC_SGI1R_EL1) and §4.8.
//!
//! Expected: SGI n gets priority `((n * 5) % 16) << 4`; once all sixteen read pending in
//! ISPENDR0 (a bounded, untraced wait), sixteen acknowledge/EOI rounds return them by ascending
//! priority value (on GICv2 with source CPU 0); then 1023. Why: a guest that IPIs itself for
//! several reasons at once (reschedule, call-function, timer broadcast) needs every SGI; SGIs
//! are banked per vCPU and a vGIC that keeps one LR per SGI number must still order them.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.sgi-16-priority-order",
    title: "16 SGIs sent to self with distinct priorities arrive in priority order",
    spec: "IHI 0048B 4.3.15, 3.3; IHI 0069H 12.2.22, 4.8",
    needs: Needs::ANY_GIC,
    run,
};

const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn priority_of(n: u32) -> u8 {
    (((n * 5) % 16) << 4) as u8
}

fn run(ctx: &mut Ctx<'_>) {
    for n in 0..16 {
        ctx.set_priority(IntId::sgi(n), priority_of(n));
    }
    let (enable, _) = ctx.irq_reg(gicd::ISENABLER, IntId::sgi(0));
    ctx.write32(enable, 0xffff);
    for n in 0..16 {
        ctx.send_sgi_to_self(IntId::sgi(n));
    }
    let (pend, _) = ctx.irq_reg(gicd::ISPENDR, IntId::sgi(0));
    wait::until_all_set(ctx, pend, 0xffff);
    for level in 0..16u32 {
        let n = (0..16).find(|&n| u32::from(priority_of(n)) == level << 4);
        let want = IntId::sgi(n.unwrap_or(0));
        let iar = ctx.ack_raw();
        ctx.check_eq(
            "ack-in-priority-order",
            (iar & 0x3ff).into(),
            want.raw().into(),
        );
        ctx.check_eq("ack-source-cpu", (iar >> 10 & 7).into(), 0);
        ctx.eoi(IntId::from_raw(iar));
    }
    let got = ctx.ack();
    ctx.check_eq("none-left", got.raw().into(), SPURIOUS);
}
