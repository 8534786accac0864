//! `its.cwriter-readback`: GITS_CWRITER reads back the offset software wrote, and GITS_CREADR
//! reaches it once the commands are consumed.
//!
//! Spec: IHI 0069H §12.19 (GITS_CWRITER.Offset, bits [19:5], RW: the offset of the next command
//! software writes; GITS_CREADR.Offset, bits [19:5], RO).
//!
//! Expected: after two SYNCs, GITS_CWRITER reads 64 and GITS_CREADR reads 64. Why: drivers
//! recover their write pointer from GITS_CWRITER after a reset or a kexec.

use guest_kit::its::Command;
use guest_kit::regs::gits;
use guest_kit::{Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.cwriter-readback",
    title: "GITS_CWRITER reads back its offset; GITS_CREADR catches up with it",
    spec: "IHI 0069H 12.19 (GITS_CWRITER, GITS_CREADR)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let rd = ctx.rdbase(0);
    ctx.its_command(Command::Sync { rd });
    ctx.its_command(Command::Sync { rd });
    let cwriter = ctx.read(Site::Gits(gits::CWRITER), Width::B64);
    ctx.check_eq("cwriter-offset", cwriter & 0xf_ffe0, 64);
    let creadr = ctx.read(Site::Gits(gits::CREADR), Width::B64);
    ctx.check_eq("creadr-caught-up", creadr, 64);
}
