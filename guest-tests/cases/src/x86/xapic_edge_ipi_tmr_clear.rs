//! `x86.xapic-edge-ipi-tmr-clear`: after a self-IPI 0x53 is taken, TMR bit 0x53 reads 0.
//!
//! Spec: Intel SDM vol. 3 §11.8.4 (TMR: set on acceptance of a level-triggered interrupt,
//! cleared for edge-triggered).
//!
//! Expected: TMR bit 0. Why: a set TMR bit makes the EOI broadcast to the IOAPICs; a virtual
//! APIC that marks IPIs level sends spurious EOIs.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-edge-ipi-tmr-clear",
    title: "an edge-triggered fixed IPI leaves its TMR bit clear",
    spec: "Intel SDM vol. 3 11.8.4",
    needs: Needs::X86,
    run,
};

const V: Vector = Vector::new(0x53);

fn run(ctx: &mut Ctx<'_>) {
    util::self_ipi(ctx, V);
    let taken = ctx.take_interrupts();
    ctx.check_eq("taken", util::packed(&taken), 0x53);
    let tmr = util::bit(ctx, lapic::TMR, V);
    ctx.check_eq("tmr-clear-for-edge", tmr, 0);
    ctx.lapic_eoi();
}
