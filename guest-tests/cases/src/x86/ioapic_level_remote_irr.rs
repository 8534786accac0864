//! `x86.ioapic-level-remote-irr`: pin 3 level, vector 0x64, line high: 0x64 is taken, TMR bit
//! 1 and remote IRR 1; after the LAPIC EOI, with the line still high, it is taken again; after
//! lowering the line and the second EOI remote IRR is 0 and nothing more arrives.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.2.4 (remote IRR set when the LAPIC accepts a level
//! interrupt, cleared by the EOI message), Intel SDM vol. 3 §11.8.4 (TMR set for level),
//! §11.8.5 (EOI broadcast to the IOAPICs).
//!
//! Expected: 0x64 twice; TMR 1; remote IRR 1 then 0. Why: the level-triggered EOI handshake is
//! the most error-prone path between a virtual LAPIC and IOAPIC (seed 003: it crosses the
//! kernel/userspace boundary when they are split).

use guest_kit::inject::{Inject, Injection};
use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-level-remote-irr",
    title: "a level interrupt holds remote IRR until the EOI and is re-sent while the line is high",
    spec: "82093AA 3.2.4; Intel SDM vol. 3 11.8.4, 11.8.5",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::IOAPIC
    },
    run,
};

const V: Vector = Vector::new(0x64);

fn run(ctx: &mut Ctx<'_>) {
    util::route_line_level(ctx, V);
    if !ctx.inject(Inject::Line {
        intid: LINE_PIN.into(),
        high: true,
    }) {
        return;
    }
    let first = ctx.take_interrupts();
    ctx.check_eq("taken", util::packed(&first), 0x64);
    let tmr = util::bit(ctx, lapic::TMR, V);
    ctx.check_eq("level-tmr-set", tmr, 1);
    let remote = util::remote_irr(ctx, LINE_PIN);
    ctx.check("remote-irr-set", remote != 0);
    ctx.lapic_eoi();
    let second = ctx.take_interrupts();
    ctx.check_eq("resent-while-high", util::packed(&second), 0x64);
    ctx.inject(Inject::Line {
        intid: LINE_PIN.into(),
        high: false,
    });
    ctx.lapic_eoi();
    let remote = util::remote_irr(ctx, LINE_PIN);
    ctx.check_eq("remote-irr-cleared", remote.into(), 0);
    let none = ctx.take_interrupts();
    ctx.check("nothing-after-low", none.is_empty());
}
