//! `its.disable-without-inv`: an enabled LPI disabled in the configuration table without an INV
//! may still be signalled when triggered (cached configuration); after INV it is not, and its
//! pending state waits.
//!
//! Spec: IHI 0069H §5.1.1 (cached configuration; a disabled LPI is not forwarded but stays
//! pending), §5.3 (INV, DISCARD removes the pending state).
//!
//! Expected: LPI 8740 enabled with INV, then disabled in the table only, then INT + SYNC: HPPIR
//! (read without acknowledging) shows 8740 or 1023, recorded; after INV + SYNC, HPPIR reads
//! 1023. DISCARD removes the held pending state. Why: guests mask MSIs this way; a vGIC that
//! keeps signalling after INV delivers masked interrupts.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;
use guest_kit::{Allowed, IccReg, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.disable-without-inv",
    title: "an LPI disabled in the table without INV may still be signalled; after INV it is not",
    spec: "IHI 0069H 5.1.1, 5.3 (INV)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 24, 0, 8740, 0);
    setup::enable(ctx, m, 0x80);
    ctx.set_lpi_config(m.intid, 0x80, false);
    setup::int(ctx, m);
    let rd = ctx.rdbase(0);
    ctx.its_command(Command::Sync { rd });
    setup::settle(ctx);
    let hppir = ctx.raw().read(Site::Icc(IccReg::Hppir1), Width::B64);
    let seen = hppir.unwrap_or(1023) & 0xff_ffff;
    let allowed = Allowed::OneOf(&[8740, 1023]);
    ctx.impl_defined("old-config-used", seen, allowed);
    ctx.its_command(Command::Inv {
        device: m.device,
        event: m.event,
    });
    ctx.its_command(Command::Sync { rd });
    setup::settle(ctx);
    let now = ctx.hppir();
    ctx.check_eq("masked-after-inv", now.raw().into(), 1023);
    setup::unmap(ctx, m);
    let got = ctx.ack();
    ctx.check_eq("nothing-pending", got.raw().into(), 1023);
}
