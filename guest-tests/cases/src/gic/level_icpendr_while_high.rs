//! `gic.level-icpendr-while-high`: clearing the pending state of a level-sensitive SPI through
//! GICD_ICPENDR has no lasting effect while its line is high.
//!
//! Spec: IHI 0048B §4.3.8 (GICD_ICPENDR: for a level-sensitive interrupt, a write of 1 clears
//! the pending state only if the interrupt is not asserted… "if the interrupt signal is still
//! asserted, the interrupt remains pending"); IHI 0069H §12.9 (GICD_ICPENDR).
//!
//! Expected: SPI 48 level-sensitive, line high, disabled: GICD_ICPENDR write; it still reads
//! pending. Lowering the line: not pending. Why: drivers clear stale pending state at probe
//! time; a vGIC that lets ICPENDR override a still-asserted line hides a device that needs
//! service.

use guest_kit::inject::{Inject, Injection};
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.level-icpendr-while-high",
    title: "ICPENDR does not clear a level SPI whose line is still high",
    spec: "IHI 0048B 4.3.8; IHI 0069H 12.9 (GICD_ICPENDR)",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::ANY_GIC
    },
    run,
};

const SPI: IntId = IntId::spi(16);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_level_triggered(SPI);
    if !ctx.inject(Inject::Line {
        intid: SPI.raw(),
        high: true,
    }) {
        return;
    }
    ctx.clear_pending(SPI);
    let pending = ctx.is_pending(SPI);
    ctx.check("still-pending-while-high", pending);
    ctx.inject(Inject::Line {
        intid: SPI.raw(),
        high: false,
    });
    let pending = ctx.is_pending(SPI);
    ctx.check("not-pending-once-low", !pending);
}
