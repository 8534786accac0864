//! `its.lpi-group1-gate`: LPIs are Group 1 interrupts: with Group 1 disabled at the CPU
//! interface, a pending LPI is not acknowledged; enabling the group delivers it.
//!
//! Spec: IHI 0069H §5.1 (LPIs are always Non-secure Group 1), §12.2 (ICC_IGRPEN1_EL1.Enable).
//!
//! Expected: IGRPEN1 = 0, LPI 8890 triggered (INT + SYNC): the acknowledge returns 1023; IGRPEN1
//! = 1: 8890 is acknowledged. Why: a guest quiesces its CPU interface with IGRPEN1 during CPU
//! power-down; LPIs leaking through take the CPU while it is going down.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;
use guest_kit::{IccReg, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.lpi-group1-gate",
    title: "ICC_IGRPEN1_EL1 = 0 holds back LPIs (they are Group 1)",
    spec: "IHI 0069H 5.1, 12.2 (ICC_IGRPEN1_EL1)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 39, 0, 8890, 0);
    setup::enable(ctx, m, 0x80);
    ctx.write(Site::Icc(IccReg::Igrpen1), Width::B64, 0);
    setup::int(ctx, m);
    let rd = ctx.rdbase(0);
    ctx.its_command(Command::Sync { rd });
    setup::settle(ctx);
    let got = ctx.ack();
    ctx.check_eq("group-disabled", got.raw().into(), 1023);
    ctx.write(Site::Icc(IccReg::Igrpen1), Width::B64, 1);
    let got = ctx.ack_when_pending();
    ctx.check_eq("group-enabled", got.raw().into(), m.intid.into());
    ctx.eoi(got);
    setup::unmap(ctx, m);
}
