//! `x86.msi-logical-multicast`: with LDR 0x01 / 0x02 (flat), an MSI with address logical(0x03),
//! RH = 0, data fixed 0x6e is taken by both CPUs.
//!
//! Spec: Intel SDM vol. 3 §11.11.1 (RH = 0: the message goes to every destination
//! DM/destination ID name).
//!
//! Expected: both take 0x6e. Why: RH = 0 means no lowest-priority selection; a hypervisor that
//! always picks one CPU drops the others.

use guest_kit::inject::Injection;
use guest_kit::regs::lapic;
use guest_kit::regs::msi::{MsiAddress, MsiData};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.msi-logical-multicast",
    title: "a logical MSI without the redirection hint reaches every matching CPU",
    spec: "Intel SDM vol. 3 11.11.1",
    needs: Needs {
        cpus: 2,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x6e);

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::LDR, lapic::ldr(0x01));
    ctx.on_cpu(1, |c| c.lapic_write(lapic::LDR, lapic::ldr(0x02)));
    if !util::msi(ctx, MsiAddress::logical(0x03).0, MsiData::fixed(V).0) {
        return;
    }
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("cpu0-takes", own, 0x6e);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("cpu1-takes", other, 0x6e);
}
