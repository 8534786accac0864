//! `x86.timer-divide-readback`: each of 0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xb written reads
//! back.
//!
//! Spec: Intel SDM vol. 3 §11.5.4 (Divide Configuration Register: bits 3, 1:0 select divide by
//! 2..128 or 1; bit 2 reserved, 0).
//!
//! Expected: eight equal read-backs. Why: guests calibrate the timer against this divider.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "x86.timer-divide-readback",
    title: "the timer Divide Configuration register reads back each of its eight encodings",
    spec: "Intel SDM vol. 3 11.5.4",
    needs: Needs::X86,
    run,
};

const ENCODINGS: [(u32, &str); 8] = [
    (0x0, "divide-by-2"),
    (0x1, "divide-by-4"),
    (0x2, "divide-by-8"),
    (0x3, "divide-by-16"),
    (0x8, "divide-by-32"),
    (0x9, "divide-by-64"),
    (0xa, "divide-by-128"),
    (0xb, "divide-by-1"),
];

fn run(ctx: &mut Ctx<'_>) {
    for (value, label) in ENCODINGS {
        ctx.lapic_write(lapic::TIMER_DIVIDE, value);
        let got = ctx.lapic_read(lapic::TIMER_DIVIDE);
        ctx.check_eq(label, (got & 0xf).into(), value.into());
    }
}
