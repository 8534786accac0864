//! `gic.eoi-split-same-priority`: with EOImode = 1, once the first interrupt's priority has
//! been dropped by EOIR a second interrupt of the same priority is acknowledged while the
//! first is still active; each is then deactivated by its own DIR write.
//!
//! Spec: IHI 0048B §3.2.1 (priority drop separate from deactivation), §4.4.1 (EOImode) and
//! §4.4.15 (GICC_DIR); IHI 0069H §4.1.1 and §12.2 (ICC_CTLR_EL1.EOImode, ICC_DIR_EL1).
//!
//! Expected: A (0x80) acknowledged, EOIR(A): RPR 0xff, A active; B (0x80) acknowledged: RPR 0x80,
//! both active; EOIR(B): RPR 0xff; DIR(A): A inactive, B still active; DIR(B): B inactive.
//! Why: this is how KVM and Xen hosts run (EOImode 1, forwarded interrupts deactivated later);
//! a vGIC that treats "active" as "blocks same priority" serialises interrupts the guest has
//! already priority-dropped, and one that deactivates by position in the LRs picks the wrong one.

use guest_kit::{Case, Ctx, IntId, Needs};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.eoi-split-same-priority",
    title: "EOImode=1: after EOIR a same-priority SPI is acknowledged; DIR deactivates each",
    spec: "IHI 0048B 3.2.1, 4.4.1, 4.4.15; IHI 0069H 4.1.1, 12.2",
    needs: Needs::ANY_GIC,
    run,
};

const A: IntId = IntId::spi(17);
const B: IntId = IntId::spi(19);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_eoi_mode_split();
    for spi in [A, B] {
        ctx.set_priority(spi, 0x80);
        ctx.enable(spi);
    }
    ctx.set_pending(A);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-a", got.raw().into(), A.raw().into());
    ctx.eoi(A);
    let running = ctx.running_priority();
    ctx.check_eq("rpr-idle-after-eoir-a", running.into(), 0xff);
    ctx.set_pending(B);
    wait::until_hppir(ctx, B);
    let got = ctx.ack();
    ctx.check_eq("ack-b-while-a-active", got.raw().into(), B.raw().into());
    let running = ctx.running_priority();
    ctx.check_eq("rpr-b", running.into(), 0x80);
    let (a, b) = (ctx.is_active(A), ctx.is_active(B));
    ctx.check("both-active", a && b);
    ctx.eoi(B);
    let running = ctx.running_priority();
    ctx.check_eq("rpr-idle-after-eoir-b", running.into(), 0xff);
    ctx.deactivate(A);
    let (a, b) = (ctx.is_active(A), ctx.is_active(B));
    ctx.check("a-inactive-after-dir", !a);
    ctx.check("b-still-active", b);
    ctx.deactivate(B);
    let b = ctx.is_active(B);
    ctx.check("b-inactive-after-dir", !b);
    ctx.set_eoi_mode_combined();
}
