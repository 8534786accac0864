//! `x86.msi-physical-to-cpu1`: an MSI with address physical(CPU 1), data fixed 0x6d: CPU 0's
//! window empty, CPU 1 takes 0x6d.
//!
//! Spec: Intel SDM vol. 3 §11.11.1 (destination ID, physical mode).
//!
//! Expected: CPU 0 empty; CPU 1 0x6d. Why: MSI affinity.

use guest_kit::inject::Injection;
use guest_kit::regs::msi::{MsiAddress, MsiData};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.msi-physical-to-cpu1",
    title: "an MSI to CPU 1's APIC ID is taken by CPU 1 only",
    spec: "Intel SDM vol. 3 11.11.1",
    needs: Needs {
        cpus: 2,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x6d);

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 1);
    if !util::msi(ctx, MsiAddress::physical(dest).0, MsiData::fixed(V).0) {
        return;
    }
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("not-cpu0", own, 0);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("cpu1-takes", other, 0x6d);
}
