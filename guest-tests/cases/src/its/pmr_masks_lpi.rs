//! `its.pmr-masks-lpi`: an LPI whose priority is not higher than the priority mask is not
//! signalled; raising the mask delivers it.
//!
//! Spec: IHI 0069H §5.1 (LPIs are prioritised like other interrupts), §12.2 (ICC_PMR_EL1: only
//! interrupts with a priority higher, numerically lower, than the mask are signalled).
//!
//! Expected: LPI 8810 at priority 0x80 with PMR = 0x80: INT + SYNC, the acknowledge returns 1023;
//! PMR = 0xff: 8810 is acknowledged. Why: guests mask MSIs around critical sections with PMR; a
//! vGIC that routes LPIs around the mask breaks that.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.pmr-masks-lpi",
    title: "the priority mask holds back an LPI of insufficient priority",
    spec: "IHI 0069H 5.1, 12.2 (ICC_PMR_EL1)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 32, 0, 8810, 0);
    setup::enable(ctx, m, 0x80);
    ctx.set_priority_mask(0x80);
    setup::int(ctx, m);
    let rd = ctx.rdbase(0);
    ctx.its_command(Command::Sync { rd });
    setup::settle(ctx);
    let got = ctx.ack();
    ctx.check_eq("masked", got.raw().into(), 1023);
    ctx.set_priority_mask(0xff);
    let got = ctx.ack_when_pending();
    ctx.check_eq("unmasked", got.raw().into(), m.intid.into());
    ctx.eoi(got);
    setup::unmap(ctx, m);
}
