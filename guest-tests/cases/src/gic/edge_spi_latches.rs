//! `gic.edge-spi-latches`: an edge-triggered SPI latches its pending state on a rising edge; the
//! line going low again does not clear it.
//!
//! Spec: IHI 0048B §3.2.4 (edge-triggered: "asserting the interrupt request signal" sets the
//! pending state, which stays until acknowledged or cleared); IHI 0069H §4.1.2.
//!
//! Expected: SPI 47 edge-triggered: raise then lower the line: still pending; acknowledged once;
//! then nothing. Why: edge interrupts (MSI-like wired signals, timers on some boards) pulse; a
//! vGIC that samples the level instead loses every short pulse.

use guest_kit::inject::{Inject, Injection};
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.edge-spi-latches",
    title: "an edge SPI stays pending after its line pulses high then low",
    spec: "IHI 0048B 3.2.4; IHI 0069H 4.1.2",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::ANY_GIC
    },
    run,
};

const SPI: IntId = IntId::spi(15);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_edge_triggered(SPI);
    ctx.enable(SPI);
    if !ctx.inject(Inject::Line {
        intid: SPI.raw(),
        high: true,
    }) {
        return;
    }
    ctx.inject(Inject::Line {
        intid: SPI.raw(),
        high: false,
    });
    let pending = ctx.is_pending(SPI);
    ctx.check("latched-after-pulse", pending);
    let got = ctx.ack_when_pending();
    ctx.check_eq("acked-once", got.raw().into(), SPI.raw().into());
    ctx.eoi(SPI);
    let again = ctx.ack();
    ctx.check_eq("then-nothing", again.raw().into(), 1023);
}
