//! `its.lpi-priority-order`: two pending LPIs are acknowledged in priority order, and an LPI
//! outranks an SPI of lower priority.
//!
//! Spec: IHI 0069H §5.1 (LPIs are prioritised with the other interrupts by the priority in
//! their configuration byte, bits [7:2]) and §4.8 (priority order).
//!
//! Expected: LPI 8300 at priority 0x80 and LPI 8301 at 0x40, plus SPI 40 at 0xc0, all pending:
//! the acknowledges return 8301, 8300, then SPI 40. Why: a vGIC that queues LPIs apart from
//! the other interrupts (or ignores their priority) inverts the guest's interrupt priorities.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, IntId, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.lpi-priority-order",
    title: "LPIs are acknowledged by priority, ahead of a lower-priority SPI",
    spec: "IHI 0069H 5.1, 4.8",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

const SPI: IntId = IntId::spi(8);

fn run(ctx: &mut Ctx<'_>) {
    let a = setup::map(ctx, 4, 0, 8300, 0);
    ctx.its_command(Command::Mapti {
        device: 4,
        event: 1,
        intid: 8301,
        icid: 0,
    });
    let b = setup::Mapping {
        device: 4,
        event: 1,
        intid: 8301,
    };
    ctx.set_priority_mask(0x00);
    setup::enable(ctx, a, 0x80);
    setup::enable(ctx, b, 0x40);
    ctx.set_priority(SPI, 0xc0);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    ctx.its_command(Command::Int {
        device: 4,
        event: 0,
    });
    ctx.its_command(Command::Int {
        device: 4,
        event: 1,
    });
    ctx.set_priority_mask(0xff);
    for (label, want) in [("first", 8301), ("second", 8300), ("third", SPI.raw())] {
        let got = ctx.ack_when_pending();
        ctx.check_eq(label, got.raw().into(), want.into());
        ctx.eoi(got);
    }
    ctx.its_command(Command::Discard {
        device: 4,
        event: 1,
    });
    setup::unmap(ctx, a);
}
