//! `its.lpi-repend-while-handled`: an LPI triggered again while it is being handled is pending
//! again at once (LPIs have no active state) and is acknowledged again after the EOI.
//!
//! Spec: IHI 0069H §5.1 ("LPIs … do not have an active state": the acknowledge takes an LPI
//! from pending to inactive; only the running priority records that it is being handled).
//!
//! Expected: ack LPI 8400; INT again: the LPI cannot preempt itself (same priority), so the
//! acknowledge returns 1023; after EOI it is acknowledged a second time; then nothing. Why: a
//! vGIC that gives LPIs an active state (like an SPI) loses the second MSI or delays it.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.lpi-repend-while-handled",
    title: "an LPI re-triggered while handled is delivered again after the EOI",
    spec: "IHI 0069H 5.1",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 5, 3, 8400, 0);
    setup::enable(ctx, m, 0x80);
    ctx.its_command(Command::Int {
        device: 5,
        event: 3,
    });
    let first = ctx.ack_when_pending();
    ctx.check_eq("first-ack", first.raw().into(), 8400);
    ctx.its_command(Command::Int {
        device: 5,
        event: 3,
    });
    let blocked = ctx.ack();
    ctx.check_eq("no-self-preemption", blocked.raw().into(), 1023);
    ctx.eoi(first);
    let second = ctx.ack_when_pending();
    ctx.check_eq("second-ack", second.raw().into(), 8400);
    ctx.eoi(second);
    let none = ctx.ack();
    ctx.check_eq("then-nothing", none.raw().into(), 1023);
    setup::unmap(ctx, m);
}
