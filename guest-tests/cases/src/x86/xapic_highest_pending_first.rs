//! `x86.xapic-highest-pending-first`: 0x45, 0x93 and 0x62 made pending under TPR 0xf0 are
//! taken, after TPR = 0, in the order 0x93, 0x62, 0x45, each in its own window (the one in
//! service holds the lower classes).
//!
//! Spec: Intel SDM vol. 3 §11.8.4 (the highest-priority IRR bit is dispatched), §11.8.3.1.
//!
//! Expected: windows take 0x93, then 0x62, then 0x45. Why: priority order of pending vectors is
//! the core of the local APIC; a FIFO injection queue gets it wrong.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-highest-pending-first",
    title: "of three pending vectors the highest is taken first, one per EOI",
    spec: "Intel SDM vol. 3 11.8.3.1, 11.8.4",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::TPR, 0xf0);
    for v in [0x45, 0x93, 0x62] {
        util::self_ipi(ctx, Vector::new(v));
    }
    ctx.lapic_write(lapic::TPR, 0);
    let first = util::take_and_eoi(ctx);
    ctx.check_eq("first-0x93", first, 0x93);
    let second = util::take_and_eoi(ctx);
    ctx.check_eq("second-0x62", second, 0x62);
    let third = util::take_and_eoi(ctx);
    ctx.check_eq("third-0x45", third, 0x45);
}
