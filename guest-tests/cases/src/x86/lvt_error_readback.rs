//! `x86.lvt-error-readback`: LVT Error written 0x1_00e4 reads 0x1_00e4.
//!
//! Spec: Intel SDM vol. 3 §11.5.1 (LVT Error: vector bits 7:0, mask bit 16; no delivery mode).
//!
//! Expected: 0x1_00e4. Why: every kernel programs the error vector at boot.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "x86.lvt-error-readback",
    title: "the LVT Error entry reads back its vector and mask",
    spec: "Intel SDM vol. 3 11.5.1",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let value = lapic::LVT_MASKED | 0xe4;
    ctx.lapic_write(lapic::LVT_ERROR, value);
    let got = ctx.lapic_read(lapic::LVT_ERROR);
    ctx.check_eq("lvt-error-readback", got.into(), value.into());
}
