//! `its.baser-read-only`: the Type and Entry_Size fields of each implemented GITS_BASER<n> keep
//! their value when software writes other values to them.
//!
//! Spec: IHI 0069H §12.19 (GITS_BASER<n>: Type, bits [58:56], and Entry_Size, bits [52:48], are
//! read-only; writes while GITS_CTLR.Enabled = 1 are UNPREDICTABLE, so the ITS is disabled and
//! quiescent first).
//!
//! Expected: with the ITS disabled, for each GITS_BASER<n> whose Type is not 0, a write with both
//! fields inverted reads back with the original fields; the original value is restored and the
//! ITS enabled again. Why: a guest sizes its tables from Entry_Size; a vITS that stores what was
//! written lets a guest corrupt its view of the table layout.

use guest_kit::lpi::COMMAND_POLLS;
use guest_kit::regs::gits;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.baser-read-only",
    title: "GITS_BASER<n> Type and Entry_Size ignore writes",
    spec: "IHI 0069H 12.19 (GITS_BASER<n>)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

const READ_ONLY: u64 = 0x7 << 56 | 0x1f << 48;

fn run(ctx: &mut Ctx<'_>) {
    let ctlr = Site::Gits(gits::CTLR);
    ctx.write32(ctlr, 0);
    for _ in 0..COMMAND_POLLS {
        match ctx.raw().read(ctlr, Width::B32) {
            Ok(v) if v & u64::from(gits::CTLR_QUIESCENT) == 0 => ctx.delay(),
            _ => break,
        }
    }
    for n in 0..8 {
        let site = Site::Gits(gits::BASER + 8 * n);
        let old = ctx.read_impl("gits-baser", site, Width::B64, Allowed::Any);
        if gits::Baser(old).table_type() == gits::TableType::None {
            continue;
        }
        ctx.write(site, Width::B64, old ^ READ_ONLY);
        let raw = ctx.raw().read(site, Width::B64).unwrap_or(0);
        let back = ctx.impl_defined("gits-baser-written", raw, Allowed::Any);
        ctx.check_eq("type-read-only", (back >> 56) & 7, (old >> 56) & 7);
        ctx.check_eq(
            "entry-size-read-only",
            (back >> 48) & 0x1f,
            (old >> 48) & 0x1f,
        );
        ctx.write(site, Width::B64, old);
    }
    ctx.write32(ctlr, gits::CTLR_ENABLED);
}
