//! `gic.smp-v2-itargetsr-1ofn`: an SPI targeted at both CPUs (GICD_ITARGETSR = 0b11) is
//! acknowledged by exactly one of them (the GICv2 1-N model); which one is recorded.
//!
//! Spec: IHI 0048B §1.4.3 and §3.1.1 (peripheral interrupts use the 1-N model: only one
//! processor handles the interrupt; once one has acknowledged it, the others read a spurious
//! ID or another pending interrupt), §4.3.12 (GICD_ITARGETSR) and §4.4.4 (GICC_IAR). Which target
//! takes it is IMPLEMENTATION DEFINED: the first CPU to show it pending is recorded (`1ofn-cpu`).
//!
//! Expected: with SPI 44 enabled, targeted at 0b11 and made pending, the recorded CPU
//! acknowledges INTID 44; the other CPU, while it is active, acknowledges nothing (1023); after
//! EOI it is inactive. Why: `irqbalance` and Xen leave SPIs targeted at several CPUs; a vGIC that
//! injects the interrupt into every target runs the device's handler twice.

use guest_kit::regs::{gicc, gicd};
use guest_kit::{Allowed, Case, Ctx, IntId, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v2-itargetsr-1ofn",
    title: "an SPI with ITARGETSR 0b11 is acknowledged by exactly one CPU (which: recorded)",
    spec: "IHI 0048B 1.4.3, 3.1.1, 4.3.12, 4.4.4",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV2
    },
    run,
};

/// INTID 44.
const SPI: IntId = IntId::spi(12);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

/// How many local polls go between two looks from CPU 1.
const CPU1_EVERY: u32 = 64;

/// Polls (untraced) both CPUs' GICC_HPPIR until one shows the SPI; 0 when none does.
fn first_to_see(ctx: &mut Ctx<'_>) -> u8 {
    let shows = |p: &mut dyn guest_kit::Platform| matches!(p.read(Site::Gicc(gicc::HPPIR), Width::B32), Ok(v) if v & 0x3ff == 44);
    for poll in 0..guest_kit::gic::PENDING_POLLS {
        if shows(ctx.raw()) {
            return 0;
        }
        // A look from the other CPU is a round trip through its mailbox (a millisecond or more
        // under a hypervisor that deschedules the idle vCPU): one every CPU1_EVERY polls keeps
        // the whole wait within the runner's case timeout.
        if poll % CPU1_EVERY == CPU1_EVERY - 1 {
            let mut seen = false;
            let _ = ctx.raw().on_cpu(1, &mut |p| seen = shows(p));
            if seen {
                return 1;
            }
        }
        ctx.delay();
    }
    0
}

fn run(ctx: &mut Ctx<'_>) {
    ctx.write(
        Site::Gicd(gicd::ITARGETSR.base + SPI.raw()),
        Width::B8,
        0b11,
    );
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let seen = first_to_see(ctx);
    let cpu = ctx.impl_defined("1ofn-cpu", seen.into(), Allowed::OneOf(&[0, 1])) as u8 & 1;
    ctx.on_cpu(cpu, |ctx| {
        let got = ctx.ack_when_pending();
        ctx.check_eq("chosen-cpu-acks", got.raw().into(), SPI.raw().into());
    });
    ctx.on_cpu(1 - cpu, |ctx| {
        let got = ctx.ack();
        if !ctx.check_eq("other-cpu-sees-nothing", got.raw().into(), SPURIOUS) {
            // Taken twice: end it here too, so no active priority outlives the case.
            ctx.eoi(got);
        }
    });
    ctx.on_cpu(cpu, |ctx| ctx.eoi(SPI));
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-eoi", !active);
}
