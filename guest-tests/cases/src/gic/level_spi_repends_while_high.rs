//! `gic.level-spi-repends-while-high`: a level-sensitive SPI whose line stays high is pending
//! again as soon as it is deactivated, and stops being pending only when the line goes low.
//!
//! Spec: IHI 0048B §3.2.4 (a level-sensitive interrupt is pending while its input is asserted;
//! after deactivation it is pending again if the input is still asserted); IHI 0069H §4.1.2
//! (level-sensitive interrupts: "active and pending" while asserted).
//!
//! Expected: with SPI 45 level-sensitive and its line raised by the host, the acknowledge
//! returns 45; after EOI the SPI is pending again and acknowledged again; once the host lowers
//! the line and the second EOI is done, nothing is pending. Why: a level-triggered device keeps
//! its line up until the driver services it; a vGIC that treats it as an edge loses the second
//! interrupt (the "re-pend after EOI" rule seed 000 discusses for list registers).

use guest_kit::inject::{Inject, Injection};
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.level-spi-repends-while-high",
    title: "a level SPI with its line high is pending again after EOI, until the line goes low",
    spec: "IHI 0048B 3.2.4; IHI 0069H 4.1.2",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::ANY_GIC
    },
    run,
};

const SPI: IntId = IntId::spi(13);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_level_triggered(SPI);
    ctx.enable(SPI);
    if !ctx.inject(Inject::Line {
        intid: SPI.raw(),
        high: true,
    }) {
        return;
    }
    let first = ctx.ack_when_pending();
    ctx.check_eq("first-ack", first.raw().into(), SPI.raw().into());
    ctx.eoi(SPI);
    let pending = ctx.is_pending(SPI);
    ctx.check("pending-again-while-high", pending);
    let second = ctx.ack_when_pending();
    ctx.check_eq("second-ack", second.raw().into(), SPI.raw().into());
    ctx.inject(Inject::Line {
        intid: SPI.raw(),
        high: false,
    });
    ctx.eoi(SPI);
    let (pending, active) = (ctx.is_pending(SPI), ctx.is_active(SPI));
    ctx.check("not-pending-once-low", !pending);
    ctx.check("inactive-after-eoi", !active);
}
