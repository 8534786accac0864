//! `x86.msi-redirection-hint-lowest-priority`: with LDR 0x01 / 0x02, an MSI with address
//! logical(0x03) and RH = 1, data lowest priority 0x6f, is taken by exactly one CPU; which is
//! recorded.
//!
//! Spec: Intel SDM vol. 3 §11.11.1 (RH = 1, DM = 1: one processor of the set), §11.11.2
//! (delivery mode 001), §11.6.2.4; seed 001 (vector hashing or round robin in hardware).
//!
//! Expected: taken once in all; `msi-lowest-priority-cpu` 0 or 1. Why: the choice differs
//! between KVM, Xen and hardware; the count must not.

use guest_kit::inject::Injection;
use guest_kit::regs::lapic;
use guest_kit::regs::msi::{MsiAddress, MsiData};
use guest_kit::{Allowed, Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.msi-redirection-hint-lowest-priority",
    title: "a lowest-priority MSI with the redirection hint reaches exactly one CPU (recorded)",
    spec: "Intel SDM vol. 3 11.11.1, 11.11.2, 11.6.2.4",
    needs: Needs {
        cpus: 2,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x6f);

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::LDR, lapic::ldr(0x01));
    ctx.on_cpu(1, |c| c.lapic_write(lapic::LDR, lapic::ldr(0x02)));
    let address = MsiAddress::logical_hinted(0x03).0;
    if !util::msi(ctx, address, MsiData::lowest_priority(V).0) {
        return;
    }
    let own = util::take_and_eoi(ctx);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq(
        "taken-once-in-all",
        u64::from(own == 0x6f) + u64::from(other == 0x6f),
        1,
    );
    let which = u64::from(other == 0x6f);
    ctx.impl_defined("msi-lowest-priority-cpu", which, Allowed::OneOf(&[0, 1]));
}
