//! `its.enable-without-inv`: an LPI pending while disabled, then enabled in the configuration
//! table without an INV, may or may not be signalled (the redistributor may cache its old
//! configuration); after INV it must be.
//!
//! Spec: IHI 0069H §5.1.1 (LPI configuration may be cached; software makes a change visible with
//! INV or INVALL), §5.3 (INV).
//!
//! Expected: whether HPPIR shows LPI 8730 before the INV is recorded (8730 or 1023); after INV
//! and SYNC it is acknowledged. Why: the matrix shows which vGICs cache LPI configuration; a
//! guest that forgets INV works on one and not another.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;
use guest_kit::{Allowed, IccReg, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.enable-without-inv",
    title: "an LPI enabled in the table without INV may or may not be seen",
    spec: "IHI 0069H 5.1.1, 5.3 (INV)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 23, 0, 8730, 0);
    setup::int(ctx, m);
    ctx.set_lpi_config(m.intid, 0x80, true);
    setup::settle(ctx);
    let hppir = ctx.raw().read(Site::Icc(IccReg::Hppir1), Width::B64);
    let seen = hppir.unwrap_or(1023) & 0xff_ffff;
    let allowed = Allowed::OneOf(&[8730, 1023]);
    ctx.impl_defined("seen-without-inv", seen, allowed);
    setup::enable(ctx, m, 0x80);
    let rd = ctx.rdbase(0);
    ctx.its_command(Command::Sync { rd });
    let got = ctx.ack_when_pending();
    ctx.check_eq("seen-after-inv", got.raw().into(), m.intid.into());
    ctx.eoi(got);
    setup::unmap(ctx, m);
}
