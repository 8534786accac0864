//! `x86.xapic-eoi-clears-highest-isr`: with 0x41, 0x61 and 0x81 nested in service, three EOIs
//! clear 0x81, 0x61, 0x41 in that order; PPR reads 0x60, 0x40, 0 after them.
//!
//! Spec: Intel SDM vol. 3 §11.8.5 (an EOI clears the highest-priority ISR bit), §11.8.3.1
//! (PPR).
//!
//! Expected: ISR bits and PPR as listed after each EOI. Why: EOI carries no vector; a
//! hypervisor that clears the wrong ISR bit (the last injected, the lowest) corrupts nested
//! handling.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-eoi-clears-highest-isr",
    title: "each EOI clears the highest in-service vector and PPR drops a level",
    spec: "Intel SDM vol. 3 11.8.5, 11.8.3.1",
    needs: Needs::X86,
    run,
};

const NESTED: [Vector; 3] = [Vector::new(0x41), Vector::new(0x61), Vector::new(0x81)];

fn run(ctx: &mut Ctx<'_>) {
    for v in NESTED {
        util::self_ipi(ctx, v);
        let taken = ctx.take_interrupts();
        ctx.check_eq("nested-taken", util::packed(&taken), v.raw().into());
    }
    ctx.lapic_eoi();
    let isr = util::bit(ctx, lapic::ISR, NESTED[2]) << 1 | util::bit(ctx, lapic::ISR, NESTED[1]);
    ctx.check_eq("eoi-1-clears-0x81", isr, 0b01);
    let ppr = ctx.lapic_read(lapic::PPR);
    ctx.check_eq("ppr-0x60", ppr.into(), 0x60);
    ctx.lapic_eoi();
    let isr = util::bit(ctx, lapic::ISR, NESTED[1]) << 1 | util::bit(ctx, lapic::ISR, NESTED[0]);
    ctx.check_eq("eoi-2-clears-0x61", isr, 0b01);
    let ppr = ctx.lapic_read(lapic::PPR);
    ctx.check_eq("ppr-0x40", ppr.into(), 0x40);
    ctx.lapic_eoi();
    let isr = util::bit(ctx, lapic::ISR, NESTED[0]);
    ctx.check_eq("eoi-3-clears-0x41", isr, 0);
    let ppr = ctx.lapic_read(lapic::PPR);
    ctx.check_eq("ppr-idle", ppr.into(), 0);
}
