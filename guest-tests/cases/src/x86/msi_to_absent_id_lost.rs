//! `x86.msi-to-absent-id-lost`: an MSI with address physical(0x7e), data fixed 0x8c: neither
//! CPU takes anything.
//!
//! Spec: Intel SDM vol. 3 §11.11.1 (the destination ID selects the processor; with no match
//! there is no recipient).
//!
//! Expected: both windows empty. Why: a hypervisor that falls back to vCPU 0 for unknown
//! destinations delivers device interrupts where none were asked for.

use guest_kit::inject::Injection;
use guest_kit::regs::msi::{MsiAddress, MsiData};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.msi-to-absent-id-lost",
    title: "an MSI to an APIC ID no CPU has is taken by nobody",
    spec: "Intel SDM vol. 3 11.11.1",
    needs: Needs {
        cpus: 2,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let data = MsiData::fixed(Vector::new(0x8c)).0;
    if !util::msi(ctx, MsiAddress::physical(0x7e).0, data) {
        return;
    }
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("not-cpu0", own, 0);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("not-cpu1", other, 0);
}
