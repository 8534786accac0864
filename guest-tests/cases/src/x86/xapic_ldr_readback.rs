//! `x86.xapic-ldr-readback`: LDR written 0xab00_1234 reads back with bits 31:24 = 0xab; the
//! whole value is recorded (reserved bits 23:0 may read 0 or as written).
//!
//! Spec: Intel SDM vol. 3 §11.6.2.2 (Logical Destination Register: logical APIC ID bits 31:24,
//! bits 23:0 reserved).
//!
//! Expected: bits 31:24 0xab. Why: logical-mode IPIs and IOAPIC routes match this ID.

use guest_kit::regs::lapic;
use guest_kit::{Allowed, Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-ldr-readback",
    title: "LDR keeps its logical APIC ID in bits 31:24",
    spec: "Intel SDM vol. 3 11.6.2.2",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::LDR, 0xab00_1234);
    let ldr = ctx.lapic_read(lapic::LDR);
    let allowed = Allowed::Fixed {
        mask: 0xff00_0000,
        value: 0xab00_0000,
    };
    ctx.impl_defined("ldr-readback", ldr.into(), allowed);
    ctx.check_eq("logical-id", (ldr >> 24).into(), 0xab);
    ctx.lapic_write(lapic::LDR, 0);
}
