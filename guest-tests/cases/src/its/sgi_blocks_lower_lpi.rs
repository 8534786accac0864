//! `its.sgi-blocks-lower-lpi`: while an SGI of higher priority is being handled, a pending LPI
//! of lower priority is not taken; it is after the SGI's EOI.
//!
//! Spec: IHI 0069H §4.8 (an interrupt is signalled only if its priority is higher than the
//! running priority), §5.1 (LPIs take part in the same prioritisation).
//!
//! Expected: SGI 3 at 0x40 acknowledged; LPI 8830 at 0x80 triggered (INT + SYNC): the acknowledge
//! returns 1023; after the SGI's EOI, 8830 is acknowledged. Why: a vGIC that injects LPIs past
//! the running priority nests a low-priority MSI inside an IPI handler.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;
use guest_kit::IntId;

/// The case.
pub const CASE: Case = Case {
    id: "its.sgi-blocks-lower-lpi",
    title: "an LPI cannot preempt an active SGI of higher priority",
    spec: "IHI 0069H 5.1, 4.8 (preemption)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

const SGI: IntId = IntId::sgi(3);

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 34, 0, 8830, 0);
    setup::enable(ctx, m, 0x80);
    let sgi = setup::sgi_in_service(ctx, SGI, 0x40);
    setup::int(ctx, m);
    let rd = ctx.rdbase(0);
    ctx.its_command(Command::Sync { rd });
    setup::settle(ctx);
    let got = ctx.ack();
    ctx.check_eq("lpi-blocked", got.raw().into(), 1023);
    ctx.eoi(sgi);
    let got = ctx.ack_when_pending();
    ctx.check_eq("lpi-after-sgi", got.raw().into(), m.intid.into());
    ctx.eoi(got);
    setup::unmap(ctx, m);
}
