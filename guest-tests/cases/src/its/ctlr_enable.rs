//! `its.ctlr-enable`: GITS_CTLR.Enabled reads back what was written, and an ITS that is disabled
//! with nothing in flight becomes quiescent; enabled again, it processes commands.
//!
//! Spec: IHI 0069H §12.19 (GITS_CTLR: Enabled, bit 0, RW; Quiescent, bit 31, RO: 1 when the ITS
//! is disabled and has no operation in progress; the other fields are implementation defined).
//!
//! Expected: after the kit's reset Enabled reads 1; written 0, Enabled reads 0 and Quiescent 1
//! (polled, bounded); written 1 again, Enabled reads 1 and a SYNC is consumed. The other bits are
//! recorded. Why: guests disable the ITS and wait for Quiescent before reprogramming its tables;
//! a vITS that never reports Quiescent hangs them.

use guest_kit::its::Command;
use guest_kit::lpi::COMMAND_POLLS;
use guest_kit::regs::gits;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.ctlr-enable",
    title: "GITS_CTLR.Enabled reads back; a disabled, idle ITS is quiescent",
    spec: "IHI 0069H 12.19 (GITS_CTLR)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let site = Site::Gits(gits::CTLR);
    let enabled = Allowed::Fixed { mask: 1, value: 1 };
    ctx.read_impl("gits-ctlr", site, Width::B32, enabled);
    ctx.write32(site, 0);
    for _ in 0..COMMAND_POLLS {
        match ctx.raw().read(site, Width::B32) {
            Ok(v) if v & u64::from(gits::CTLR_QUIESCENT) == 0 => ctx.delay(),
            _ => break,
        }
    }
    let quiescent = Allowed::Fixed {
        mask: u64::from(gits::CTLR_QUIESCENT | gits::CTLR_ENABLED),
        value: u64::from(gits::CTLR_QUIESCENT),
    };
    ctx.read_impl("gits-ctlr-disabled", site, Width::B32, quiescent);
    ctx.write32(site, gits::CTLR_ENABLED);
    ctx.read_impl("gits-ctlr-enabled", site, Width::B32, enabled);
    let rd = ctx.rdbase(0);
    let creadr = ctx.its_command(Command::Sync { rd });
    ctx.check_eq("processes-commands", creadr, 32);
}
