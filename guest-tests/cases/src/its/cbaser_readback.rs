//! `its.cbaser-readback`: GITS_CBASER reads back the address, size and Valid bit the kit's
//! reset programmed.
//!
//! Spec: IHI 0069H §12.19 (GITS_CBASER: Valid, bit 63; Physical_Address, bits [51:12]; Size,
//! bits [7:0], pages minus one; the cacheability and shareability fields may be fixed by the
//! implementation).
//!
//! Expected: Valid = 1, the queue's address and Size = 0 (one 4 KiB page); the rest recorded.
//! Why: a guest that reads GITS_CBASER back to check that its attributes were accepted must
//! find its own queue there.

use guest_kit::lpi::{COMMAND_QUEUE, COMMAND_QUEUE_BYTES};
use guest_kit::regs::gits;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.cbaser-readback",
    title: "GITS_CBASER reads back the command queue the kit programmed",
    spec: "IHI 0069H 12.19 (GITS_CBASER)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

const FIELDS: u64 = 1 << 63 | 0x000f_ffff_ffff_f000 | 0xff;

fn run(ctx: &mut Ctx<'_>) {
    let queue = ctx.info().arena + COMMAND_QUEUE;
    let want = gits::cbaser(queue, COMMAND_QUEUE_BYTES >> 12) & FIELDS;
    let allowed = Allowed::Fixed {
        mask: FIELDS,
        value: want,
    };
    ctx.read_impl("gits-cbaser", Site::Gits(gits::CBASER), Width::B64, allowed);
}
