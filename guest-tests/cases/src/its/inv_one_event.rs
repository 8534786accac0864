//! `its.inv-one-event`: INV of one event makes that LPI's new configuration visible; whether an
//! LPI changed in the table but not invalidated is seen before its own INV is the
//! implementation's choice (configuration may be cached).
//!
//! Spec: IHI 0069H §5.3 (INV: the configuration of the one LPI the event maps to), §5.1.1 (the
//! redistributor may cache LPI configuration until INV or INVALL).
//!
//! Expected: LPIs 8720 (0x80) and 8721 (0x90) pending while disabled, both enabled in the table,
//! INV + SYNC of 8720's event only: 8720 is acknowledged. Whether 8721 then shows in HPPIR
//! (read without acknowledging) is recorded; after its own INV it is acknowledged. Why: a vITS
//! that ignores INV's operand still works; one that invalidates nothing loses the MSI.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;
use guest_kit::{Allowed, IccReg, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.inv-one-event",
    title: "INV makes one LPI's configuration visible; another LPI's may lag",
    spec: "IHI 0069H 5.3 (INV), 5.1.1",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let a = setup::map(ctx, 22, 0, 8720, 0);
    let b = setup::map_event(ctx, 22, 1, 8721, 0);
    for m in [a, b] {
        ctx.its_command(Command::Int {
            device: m.device,
            event: m.event,
        });
    }
    ctx.set_lpi_config(b.intid, 0x90, true);
    setup::enable(ctx, a, 0x80);
    let rd = ctx.rdbase(0);
    ctx.its_command(Command::Sync { rd });
    let got = ctx.ack_when_pending();
    ctx.check_eq("invalidated-lpi", got.raw().into(), a.intid.into());
    ctx.eoi(got);
    setup::settle(ctx);
    let hppir = ctx.raw().read(Site::Icc(IccReg::Hppir1), Width::B64);
    let seen = hppir.unwrap_or(1023) & 0xff_ffff;
    let allowed = Allowed::OneOf(&[8721, 1023]);
    ctx.impl_defined("uninvalidated-lpi-seen", seen, allowed);
    setup::enable(ctx, b, 0x90);
    ctx.its_command(Command::Sync { rd });
    let got = ctx.ack_when_pending();
    ctx.check_eq("after-own-inv", got.raw().into(), b.intid.into());
    ctx.eoi(got);
    setup::discard(ctx, b);
    setup::unmap(ctx, a);
}
