//! `its.enable-lpis-preset-pending`: setting GICR_CTLR.EnableLPIs reads the LPI pending table:
//! a bit software set there beforehand makes that LPI pending at the redistributor.
//!
//! Spec: IHI 0069H §5.1.2 (the LPI pending table: when EnableLPIs is set with
//! GICR_PENDBASER.PTZ = 0, the redistributor may load pending state from it; bit `n % 8` of byte
//! `n / 8` is INTID `n`) and §12.11 (GICR_CTLR.EnableLPIs, CES: whether EnableLPIs can be
//! cleared; RWP).
//!
//! Expected: on CPU 1's redistributor, EnableLPIs cleared (only possible where CES = 1: the
//! kit's reset set it at boot, so elsewhere the case is skipped with that reason), the bit of
//! LPI 9100 set in its pending table, PENDBASER with PTZ = 0, EnableLPIs set again: once the LPI
//! is mapped to CPU 1 and enabled, CPU 1 acknowledges it without any INT. GICR_CTLR is read as
//! an implementation-defined value with only EnableLPIs asserted (its other bits, e.g. IR, are
//! the implementation's). Why: a VMM restores a
//! migrated guest's pending LPIs exactly this way; a vGIC that ignores the table loses them.

use guest_kit::lpi::{pend_table, pendbaser};
use guest_kit::regs::gicr;
use guest_kit::{Allowed, Case, Ctx, Needs, RdFrame, Site, Width};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.enable-lpis-preset-pending",
    title: "EnableLPIs loads a pending bit pre-set in the pending table",
    spec: "IHI 0069H 5.1.2, 12.11 (GICR_CTLR, GICR_PENDBASER)",
    needs: Needs {
        its: true,
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

const LPI: u32 = 9100;
/// GICR_CTLR.RWP: a write to EnableLPIs has not finished.
const RWP: u64 = 1 << 3;

fn run(ctx: &mut Ctx<'_>) {
    if !ctx.info().lpi_clearable {
        ctx.skip("GICR_CTLR.CES = 0: EnableLPIs cannot be cleared once the kit's reset set it");
        return;
    }
    let rd = |offset| Site::Gicr {
        cpu: 1,
        frame: RdFrame::Rd,
        offset,
    };
    ctx.write32(rd(gicr::CTLR), 0);
    for _ in 0..10_000 {
        match ctx.raw().read(rd(gicr::CTLR), Width::B32) {
            Ok(v) if v & RWP != 0 => ctx.delay(),
            _ => break,
        }
    }
    let cleared = Allowed::Fixed { mask: 1, value: 0 };
    ctx.read_impl("enable-lpis-cleared", rd(gicr::CTLR), Width::B32, cleared);
    let arena = ctx.info().arena;
    let byte = arena + pend_table(1) + u64::from(LPI / 8);
    ctx.mem_write(byte, &[1 << (LPI % 8)]);
    ctx.write(rd(gicr::PENDBASER), Width::B64, pendbaser(arena, 1));
    ctx.write32(rd(gicr::CTLR), gicr::CTLR_ENABLE_LPIS);
    let set = Allowed::Fixed { mask: 1, value: 1 };
    ctx.read_impl("enable-lpis-set", rd(gicr::CTLR), Width::B32, set);
    let m = setup::map(ctx, 11, 0, LPI, 1);
    setup::enable(ctx, m, 0x80);
    ctx.on_cpu(1, |ctx| {
        let got = ctx.ack_when_pending();
        ctx.check_eq("preset-lpi-delivered", got.raw().into(), LPI.into());
        ctx.eoi(got);
    });
    setup::unmap(ctx, m);
}
