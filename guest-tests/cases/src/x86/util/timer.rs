//! Timer steps: letting time pass (untraced, bounded) until a timer vector is pending or the
//! count ran out, and entering TSC-deadline mode where the CPU has it.

use guest_kit::regs::lapic;
use guest_kit::{Ctx, Site, Vector, Width};

/// Polls of a timer's pending bit or count.
const TIMER_POLLS: u32 = 200_000;

/// Waits (untraced, bounded) until `vector` is pending in this CPU's IRR (xAPIC), letting time
/// pass between polls: how timer cases let the count run out before opening a window.
pub fn wait_pending(ctx: &mut Ctx<'_>, vector: Vector) {
    let site = Site::Lapic(lapic::array_reg(lapic::IRR, vector));
    for _ in 0..TIMER_POLLS {
        let word = ctx.raw().read(site, Width::B32).unwrap_or(0);
        if word >> vector.bank_bit().1 & 1 == 1 {
            return;
        }
        ctx.delay();
    }
}

/// Waits (untraced, bounded) until the timer's current count is 0; returns whether it got there.
pub fn wait_count_zero(ctx: &mut Ctx<'_>) -> bool {
    let site = Site::Lapic(lapic::TIMER_CURRENT);
    for _ in 0..TIMER_POLLS {
        if ctx.raw().read(site, Width::B32).unwrap_or(1) == 0 {
            return true;
        }
        ctx.delay();
    }
    false
}

/// Puts the LVT timer in TSC-deadline mode with `vector` when the target has it
/// (CPUID.01H:ECX\[24\], [`guest_kit::X86Info::tsc_deadline`]) and checks that the mode reads
/// back; without it, marks the case skipped and returns `false`.
pub fn tsc_deadline_mode(ctx: &mut Ctx<'_>, vector: Vector) -> bool {
    if !ctx.info().x86.tsc_deadline {
        ctx.skip("no TSC-deadline timer mode (CPUID.01H:ECX[24] = 0)");
        return false;
    }
    ctx.lapic_write(lapic::LVT_TIMER, lapic::TimerMode::TscDeadline.lvt(vector));
    let lvt = ctx.lapic_read(lapic::LVT_TIMER);
    let mode = lapic::TimerMode::field(lvt);
    ctx.check_eq(
        "tsc-deadline-mode-set",
        mode.into(),
        lapic::TimerMode::TscDeadline as u64,
    )
}

/// [`wait_pending`] in x2APIC mode.
pub fn x2_wait_pending(ctx: &mut Ctx<'_>, vector: Vector) {
    let site = Site::Msr(lapic::x2apic_msr(lapic::array_reg(lapic::IRR, vector)));
    for _ in 0..TIMER_POLLS {
        let word = ctx.raw().read(site, Width::B64).unwrap_or(0);
        if word >> vector.bank_bit().1 & 1 == 1 {
            return;
        }
        ctx.delay();
    }
}
