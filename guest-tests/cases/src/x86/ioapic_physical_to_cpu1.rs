//! `x86.ioapic-physical-to-cpu1`: pin 3 edge, vector 0x69, physical destination CPU 1: a pulse
//! is taken by CPU 1 and not CPU 0.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.4 (physical destination mode: bits 59:56 / 63:56
//! the APIC ID).
//!
//! Expected: CPU 0 empty; CPU 1 takes 0x69. Why: interrupt affinity (irqbalance) moves device
//! interrupts between CPUs this way.

use guest_kit::inject::Injection;
use guest_kit::regs::ioapic::Redirection;
use guest_kit::{Case, Ctx, Needs};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-physical-to-cpu1",
    title: "a redirection entry naming CPU 1's APIC ID delivers to CPU 1",
    spec: "82093AA 3.2.4",
    needs: Needs {
        cpus: 2,
        inject: Injection::LINE,
        ..Needs::IOAPIC
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 1);
    util::set_rte(ctx, LINE_PIN, Redirection::fixed(0x69, dest));
    if !util::pulse(ctx, LINE_PIN) {
        return;
    }
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("not-cpu0", own, 0);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("cpu1-takes", other, 0x69);
}
