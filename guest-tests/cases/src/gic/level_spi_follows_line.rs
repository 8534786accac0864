//! `gic.level-spi-follows-line`: before it is acknowledged, a level-sensitive SPI is pending
//! exactly while its line is high.
//!
//! Spec: IHI 0048B §3.2.4 (level-sensitive: the pending state follows the asserted input, unless
//! latched by a write to GICD_ISPENDR); IHI 0069H §4.1.2.
//!
//! Expected: SPI 46 level-sensitive and disabled (so nothing is acknowledged): raising the line
//! makes it pending, lowering it makes it not pending. Why: a device that drops its request
//! before the CPU gets to it must not leave a phantom interrupt behind in the vGIC.

use guest_kit::inject::{Inject, Injection};
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.level-spi-follows-line",
    title: "a level SPI is pending while its line is high, and not once it goes low",
    spec: "IHI 0048B 3.2.4; IHI 0069H 4.1.2",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::ANY_GIC
    },
    run,
};

const SPI: IntId = IntId::spi(14);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_level_triggered(SPI);
    if !ctx.inject(Inject::Line {
        intid: SPI.raw(),
        high: true,
    }) {
        return;
    }
    let pending = ctx.is_pending(SPI);
    ctx.check("pending-while-high", pending);
    ctx.inject(Inject::Line {
        intid: SPI.raw(),
        high: false,
    });
    let pending = ctx.is_pending(SPI);
    ctx.check("not-pending-once-low", !pending);
}
