//! `its.creadr-advances`: the ITS consumes queued commands: GITS_CREADR reaches GITS_CWRITER,
//! 32 bytes per command, without stalling.
//!
//! Spec: IHI 0069H §12.19 (GITS_CWRITER, GITS_CREADR: "the offset from GITS_CBASER of the next
//! command the ITS reads"; Stalled bit 0), §5.3 (commands are 32 bytes; SYNC).
//!
//! Expected: after the kit's reset the queue is empty (CREADR = 0); each of three SYNC commands
//! advances CREADR by 32, Stalled stays 0. Why: a vITS that processes the queue lazily (or only
//! on some CWRITER writes) makes guests spin forever waiting for their commands.

use guest_kit::its::Command;
use guest_kit::regs::gits;
use guest_kit::{Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.creadr-advances",
    title: "GITS_CREADR follows GITS_CWRITER, 32 bytes per command",
    spec: "IHI 0069H 12.19 (GITS_CREADR, GITS_CWRITER), 5.3 (SYNC)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let start = ctx.read(Site::Gits(gits::CREADR), Width::B64);
    ctx.check_eq("empty-after-reset", start, 0);
    let rd = ctx.rdbase(0);
    for (label, want) in [("after-one", 32), ("after-two", 64), ("after-three", 96)] {
        let creadr = ctx.its_command(Command::Sync { rd });
        ctx.check_eq(label, creadr, want);
    }
}
