//! `its.lpi-eoimode-split`: with split priority drop and deactivation (EOImode = 1), the EOI of
//! an LPI is all it needs: LPIs have no active state, so an LPI re-triggered while handled is
//! taken again right after the priority drop, with no write to ICC_DIR_EL1.
//!
//! Spec: IHI 0069H §5.1 (LPIs have no active state), §4.1.1 and §12.2 (ICC_CTLR_EL1.EOImode:
//! ICC_EOIR1_EL1 drops the running priority only; ICC_DIR_EL1 deactivates).
//!
//! Expected: EOImode = 1; LPI 8820 acknowledged; INT again: not taken (same priority, 1023);
//! EOIR: running priority idle, and 8820 is acknowledged again. Why: a hypervisor that gives
//! LPIs an active state waits for a DIR that guests never write for LPIs.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.lpi-eoimode-split",
    title: "with EOImode = 1, an LPI is taken again after the priority drop, without a deactivation",
    spec: "IHI 0069H 5.1, 4.1.1 (EOImode)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 33, 0, 8820, 0);
    setup::enable(ctx, m, 0x80);
    ctx.set_eoi_mode_split();
    let int = Command::Int {
        device: m.device,
        event: m.event,
    };
    ctx.its_command(int);
    let first = ctx.ack_when_pending();
    ctx.check_eq("first", first.raw().into(), m.intid.into());
    ctx.its_command(int);
    let blocked = ctx.ack();
    ctx.check_eq("no-self-preemption", blocked.raw().into(), 1023);
    ctx.eoi(first);
    let rpr = ctx.running_priority();
    ctx.check_eq("priority-dropped", rpr.into(), 0xff);
    let second = ctx.ack_when_pending();
    ctx.check_eq("again-without-dir", second.raw().into(), m.intid.into());
    ctx.eoi(second);
    ctx.set_eoi_mode_combined();
    setup::unmap(ctx, m);
}
