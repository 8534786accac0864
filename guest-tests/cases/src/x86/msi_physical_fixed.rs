//! `x86.msi-physical-fixed`: an MSI with address physical(CPU 0) and data fixed 0x6c, edge, is
//! taken by CPU 0 and leaves TMR bit 0x6c clear.
//!
//! Spec: Intel SDM vol. 3 §11.11.1 (MSI address: 0xFEE, destination ID bits 19:12, RH bit 3, DM
//! bit 2), §11.11.2 (data: vector, delivery mode, trigger).
//!
//! Expected: 0x6c taken; TMR 0. Why: the plain device-MSI path every PCI driver uses.

use guest_kit::inject::Injection;
use guest_kit::regs::lapic;
use guest_kit::regs::msi::{MsiAddress, MsiData};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.msi-physical-fixed",
    title: "a compatibility-format MSI to CPU 0's APIC ID delivers its vector, edge",
    spec: "Intel SDM vol. 3 11.11.1, 11.11.2",
    needs: Needs {
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x6c);

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    if !util::msi(ctx, MsiAddress::physical(dest).0, MsiData::fixed(V).0) {
        return;
    }
    let taken = ctx.take_interrupts();
    ctx.check_eq("taken", util::packed(&taken), 0x6c);
    let tmr = util::bit(ctx, lapic::TMR, V);
    ctx.check_eq("edge-tmr-clear", tmr, 0);
    ctx.lapic_eoi();
}
