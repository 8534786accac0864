//! `gic.smp-v3-irouter-1ofn`: an SPI with GICD_IROUTER.Interrupt_Routing_Mode = 1 (1 of N) is
//! acknowledged by exactly one PE; which one is recorded. Skipped where GICD_TYPER.No1N = 1.
//!
//! Spec: IHI 0069H §12.9 (GICD_IROUTER.IRM [31]: 1 = the interrupt is routed to any one PE that
//! participates; GICD_TYPER.No1N [25]: 1 = 1 of N SPI interrupts are not supported) and §4.5
//! (1 of N distribution: the choice of PE is IMPLEMENTATION DEFINED; once one PE has
//! acknowledged the interrupt it is active and no other PE acknowledges it).
//!
//! Expected: GICD_TYPER is recorded; with No1N = 0, IROUTER of SPI 47 = IRM reads back with IRM
//! set, the PE that first shows it pending (recorded as `1ofn-pe`) acknowledges INTID 47 and the
//! other acknowledges nothing (1023) while it is active. Why: a vGIC that advertises 1 of N but
//! injects into every participating vCPU runs the handler twice; one that honours neither
//! delivers it nowhere.

use guest_kit::regs::gicd;
use guest_kit::{Allowed, Case, Ctx, IccReg, IntId, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v3-irouter-1ofn",
    title: "IROUTER.IRM=1: exactly one PE acknowledges the SPI (skip when No1N = 1)",
    spec: "IHI 0069H 12.9 (GICD_IROUTER, GICD_TYPER.No1N), 4.5",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

/// INTID 47.
const SPI: IntId = IntId::spi(15);
const IRM: u64 = 1 << 31;
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

/// How many local polls go between two looks from CPU 1.
const CPU1_EVERY: u32 = 64;

/// Polls (untraced) both PEs' ICC_HPPIR1_EL1 until one shows the SPI; 0 when none does.
fn first_to_see(ctx: &mut Ctx<'_>) -> u8 {
    let shows = |p: &mut dyn guest_kit::Platform| matches!(p.read(Site::Icc(IccReg::Hppir1), Width::B64), Ok(v) if v & 0xff_ffff == 47);
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
    if ctx.gicd_typer().0 & (1 << 25) != 0 {
        ctx.skip("GICD_TYPER.No1N = 1: 1 of N SPI routing is not supported");
        return;
    }
    let irouter = Site::Gicd(gicd::IROUTER + 8 * SPI.raw());
    ctx.write(irouter, Width::B64, IRM);
    let got = ctx.read(irouter, Width::B64);
    ctx.check_eq("irm-reads-back", got & IRM, IRM);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let seen = first_to_see(ctx);
    let cpu = ctx.impl_defined("1ofn-pe", seen.into(), Allowed::OneOf(&[0, 1])) as u8 & 1;
    ctx.on_cpu(cpu, |ctx| {
        let got = ctx.ack_when_pending();
        ctx.check_eq("chosen-pe-acks", got.raw().into(), SPI.raw().into());
    });
    ctx.on_cpu(1 - cpu, |ctx| {
        let got = ctx.ack();
        if !ctx.check_eq("other-pe-sees-nothing", got.raw().into(), SPURIOUS) {
            // Taken twice: end it here too, so no active priority outlives the case.
            ctx.eoi(got);
        }
    });
    ctx.on_cpu(cpu, |ctx| ctx.eoi(SPI));
}
