//! `x86.ioapic-lowest-priority-exactly-one`: with LDR 0x01 / 0x02, pin 3 edge, lowest priority
//! to logical 0x03, vector 0x6b: one pulse is taken by exactly one CPU; which is recorded.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.4 (delivery mode 001 lowest priority), Intel SDM
//! vol. 3 §11.6.2.4; seed 001 (round robin or vector hashing on real chipsets).
//!
//! Expected: taken once in all; `ioapic-lowest-priority-cpu` 0 or 1. Why: delivering to every
//! CPU of the set (as a fixed message) doubles device interrupts.

use guest_kit::inject::Injection;
use guest_kit::regs::ioapic::Redirection;
use guest_kit::regs::lapic;
use guest_kit::{Allowed, Case, Ctx, Needs};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-lowest-priority-exactly-one",
    title: "a lowest-priority redirection entry delivers to exactly one CPU (recorded)",
    spec: "82093AA 3.2.4; Intel SDM vol. 3 11.6.2.4",
    needs: Needs {
        cpus: 2,
        inject: Injection::LINE,
        ..Needs::IOAPIC
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::LDR, lapic::ldr(0x01));
    ctx.on_cpu(1, |c| c.lapic_write(lapic::LDR, lapic::ldr(0x02)));
    let mode = Redirection::LOGICAL | Redirection::LOWEST_PRIORITY;
    util::set_rte(ctx, LINE_PIN, Redirection::fixed(0x6b, 0x03).with(mode));
    if !util::pulse(ctx, LINE_PIN) {
        return;
    }
    let own = util::take_and_eoi(ctx);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq(
        "taken-once-in-all",
        u64::from(own == 0x6b) + u64::from(other == 0x6b),
        1,
    );
    let which = u64::from(other == 0x6b);
    ctx.impl_defined("ioapic-lowest-priority-cpu", which, Allowed::OneOf(&[0, 1]));
}
