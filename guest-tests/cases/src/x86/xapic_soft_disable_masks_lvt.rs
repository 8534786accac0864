//! `x86.xapic-soft-disable-masks-lvt`: with SVR bit 8 clear, writing the LVT timer and LINT0
//! entries unmasked reads them back masked; after SVR bit 8 is set again an unmasked write
//! reads back unmasked.
//!
//! Spec: Intel SDM vol. 3 §11.4.7.2 (software-disabled: the LVT mask bits are set and attempts
//! to clear them are ignored until the APIC is software-enabled).
//!
//! Expected: mask bit 1, 1 while disabled; 0 after re-enabling. Why: guests disable the APIC to
//! quiesce it; a virtual APIC that lets an LVT unmask then delivers timer or LINT interrupts
//! from a disabled APIC.

use guest_kit::regs::lapic::{self, Svr};
use guest_kit::{Case, Ctx, Needs, Vector};

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-soft-disable-masks-lvt",
    title: "a software-disabled APIC keeps every LVT entry masked",
    spec: "Intel SDM vol. 3 11.4.7.2",
    needs: Needs::X86,
    run,
};

const LVT: u32 = 0x70;

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::SVR, 0xff);
    ctx.lapic_write(lapic::LVT_TIMER, LVT);
    ctx.lapic_write(lapic::LVT_LINT0, LVT);
    let timer = ctx.lapic_read(lapic::LVT_TIMER);
    ctx.check_eq(
        "timer-lvt-stays-masked",
        (timer & lapic::LVT_MASKED).into(),
        lapic::LVT_MASKED.into(),
    );
    let lint0 = ctx.lapic_read(lapic::LVT_LINT0);
    ctx.check_eq(
        "lint0-stays-masked",
        (lint0 & lapic::LVT_MASKED).into(),
        lapic::LVT_MASKED.into(),
    );
    ctx.lapic_write(lapic::SVR, Svr::enabled(Vector::new(0xff)).0);
    ctx.lapic_write(lapic::LVT_TIMER, LVT | lapic::LVT_MASKED);
    ctx.lapic_write(lapic::LVT_LINT0, LVT);
    let lint0 = ctx.lapic_read(lapic::LVT_LINT0);
    ctx.check_eq(
        "unmasks-when-enabled",
        (lint0 & lapic::LVT_MASKED).into(),
        0,
    );
    ctx.lapic_write(lapic::LVT_LINT0, lapic::LVT_MASKED);
}
