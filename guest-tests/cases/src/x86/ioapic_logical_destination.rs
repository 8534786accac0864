//! `x86.ioapic-logical-destination`: with LDR 0x01 / 0x02, pin 3 edge, logical destination
//! 0x02, vector 0x6a: a pulse is taken by CPU 1 only.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.4 (logical destination mode), Intel SDM vol. 3
//! §11.6.2.2 (flat model).
//!
//! Expected: CPU 0 empty; CPU 1 takes 0x6a. Why: IOAPIC messages use the same logical matching
//! as IPIs, implemented twice in many hypervisors.

use guest_kit::inject::Injection;
use guest_kit::regs::ioapic::Redirection;
use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-logical-destination",
    title: "a logical redirection entry delivers to the CPU whose LDR matches",
    spec: "82093AA 3.2.4; Intel SDM vol. 3 11.6.2.2",
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
    let rte = Redirection::fixed(0x6a, 0x02).with(Redirection::LOGICAL);
    util::set_rte(ctx, LINE_PIN, rte);
    if !util::pulse(ctx, LINE_PIN) {
        return;
    }
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("not-cpu0", own, 0);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("cpu1-takes", other, 0x6a);
}
