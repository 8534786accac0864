//! `x86.lvt-lint-readback`: LINT0 written masked, level, active low, vector 0x63 (with bits 12
//! and 14 also set) reads back without bits 12 and 14; LINT1 written masked, edge, vector 0x64
//! reads back as written.
//!
//! Spec: Intel SDM vol. 3 §11.5.1 (LVT: vector, delivery mode, polarity, trigger and mask
//! read/write; delivery status bit 12 and remote IRR bit 14 read only).
//!
//! Expected: LINT0 0x1_a063, LINT1 0x1_0064. Why: LINT0 carries the legacy PIC (ExtINT) and
//! LINT1 NMI on PCs; firmware and kernels program them and read them back.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "x86.lvt-lint-readback",
    title: "LINT0/LINT1 read back their fields; remote IRR and delivery status are read only",
    spec: "Intel SDM vol. 3 11.5.1",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let lint0 = lapic::LVT_MASKED | lapic::LVT_LEVEL | lapic::LVT_ACTIVE_LOW | 0x63;
    let ro = lapic::LVT_SEND_PENDING | lapic::LVT_REMOTE_IRR;
    ctx.lapic_write(lapic::LVT_LINT0, lint0 | ro);
    let got = ctx.lapic_read(lapic::LVT_LINT0);
    ctx.check_eq("lint0-readback", got.into(), lint0.into());
    let lint1 = lapic::LVT_MASKED | 0x64;
    ctx.lapic_write(lapic::LVT_LINT1, lint1);
    let got = ctx.lapic_read(lapic::LVT_LINT1);
    ctx.check_eq("lint1-readback", got.into(), lint1.into());
}
