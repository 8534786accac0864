//! `x86.x2apic-id-keeps-xapic-id`: the xAPIC ID register's bits 31:24, read before the switch,
//! equal bits 7:0 of MSR 0x802 after it.
//!
//! Spec: Intel SDM vol. 3 §11.12.5.1 (after xAPIC to x2APIC, the x2APIC ID is the initial
//! x2APIC ID, whose bits 7:0 are the initial xAPIC ID on such systems).
//!
//! Expected: equal bytes. Why: a guest that switches modes keeps its per-CPU tables indexed by
//! APIC ID.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-id-keeps-xapic-id",
    title: "the x2APIC ID's low byte equals the xAPIC ID it had before the switch",
    spec: "Intel SDM vol. 3 11.12.5.1",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let xapic = ctx.lapic_read(lapic::ID) >> 24;
    ctx.enable_x2apic();
    let x2apic = ctx.rdmsr(lapic::x2apic_msr(lapic::ID));
    ctx.check_eq("id-kept", x2apic & 0xff, xapic.into());
}
