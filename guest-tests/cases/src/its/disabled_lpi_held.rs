//! `its.disabled-lpi-held`: an LPI triggered while disabled in the configuration table stays
//! pending and is delivered once enabled (after INV makes the change visible).
//!
//! Spec: IHI 0069H §5.1.1 (the LPI configuration table: Enable bit; a disabled LPI is not
//! forwarded but its pending state is kept), §5.3 (INV: "ensures that any caching of the
//! configuration … is consistent with the table").
//!
//! Expected: INT on the disabled LPI: nothing is acknowledged (1023). After setting Enable and
//! INV, the LPI is acknowledged. Why: guests mask MSIs by clearing the enable bit; a pending MSI
//! must not be lost across mask/unmask.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.disabled-lpi-held",
    title: "an LPI triggered while disabled is delivered once enabled and INV'd",
    spec: "IHI 0069H 5.1.1, 5.3 (INV)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 2, 1, 8200, 0);
    ctx.its_command(Command::Int {
        device: 2,
        event: 1,
    });
    for _ in 0..32 {
        ctx.delay();
    }
    let got = ctx.ack();
    ctx.check_eq("held-while-disabled", got.raw().into(), 1023);
    setup::enable(ctx, m, 0x80);
    let got = ctx.ack_when_pending();
    ctx.check_eq("delivered-once-enabled", got.raw().into(), 8200);
    ctx.eoi(got);
    setup::unmap(ctx, m);
}
