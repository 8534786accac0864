//! `its.inv-priority-change`: a new priority written to an LPI's configuration byte and made
//! visible with INV is the priority the LPI is signalled and handled at.
//!
//! Spec: IHI 0069H §5.1.1 (Priority, bits [7:2] of the configuration byte), §5.3 (INV).
//!
//! Expected: LPI 8790 enabled at 0x80, then changed to 0x40 with INV + SYNC, triggered: the
//! running priority after the acknowledge is 0x40 (masked to the implemented bits). Why: a vGIC
//! that reads the priority only once, at MAPTI, ignores the guest's later changes.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.inv-priority-change",
    title: "a priority changed in the table and INV'd is the LPI's running priority",
    spec: "IHI 0069H 5.1.1, 5.3 (INV)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 29, 0, 8790, 0);
    setup::enable(ctx, m, 0x80);
    setup::enable(ctx, m, 0x40);
    let rd = ctx.rdbase(0);
    ctx.its_command(Command::Sync { rd });
    setup::int(ctx, m);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack", got.raw().into(), m.intid.into());
    let rpr = ctx.running_priority();
    let want = 0x40 & ctx.info().pri_mask();
    ctx.check_eq("new-priority", rpr.into(), want.into());
    ctx.eoi(got);
    setup::unmap(ctx, m);
}
