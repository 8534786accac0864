//! `x86.xapic-icr-readback`: ICR_HIGH written 0x0f00_0000 reads bits 31:24 = 0x0f; after a
//! self-IPI 0x62 ICR_LOW reads back the vector, delivery mode, level and shorthand, with
//! delivery status 0.
//!
//! Spec: Intel SDM vol. 3 §11.6.1 (ICR: writing ICR_HIGH does not send; ICR_LOW bits 19:18,
//! 15:14, 11:8, 7:0 read back; bit 12 delivery status idle once sent).
//!
//! Expected: 0x0f, the sent fields, delivery status 0; 0x62 taken. Why: guests poll delivery
//! status before the next send and some read ICR back; an emulated ICR that forgets fields
//! breaks both.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-icr-readback",
    title: "ICR_HIGH keeps the destination; ICR_LOW reads back the IPI sent, delivery status idle",
    spec: "Intel SDM vol. 3 11.6.1",
    needs: Needs::X86,
    run,
};

/// ICR_LOW bits that read back: shorthand, trigger, level, destination mode, delivery mode,
/// vector (SDM vol. 3 figure 11-12).
const READBACK: u32 = 0x000c_cfff;

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::ICR_HIGH, 0x0f00_0000);
    let high = ctx.lapic_read(lapic::ICR_HIGH);
    ctx.check_eq("destination-kept", (high >> 24).into(), 0x0f);
    let icr = Icr::xapic(DeliveryMode::Fixed, 0x62, Shorthand::SelfOnly, 0x0f);
    util::send(ctx, icr);
    let low = ctx.lapic_read(lapic::ICR_LOW);
    ctx.check_eq(
        "fields-read-back",
        (low & READBACK).into(),
        (icr.low() & READBACK).into(),
    );
    ctx.check_eq("delivery-status-idle", (low & Icr::SEND_PENDING).into(), 0);
    let got = util::take_and_eoi(ctx);
    ctx.check_eq("self-ipi-taken", got, 0x62);
}
