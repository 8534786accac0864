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
use guest_kit::{Case, Ctx, IntId, Needs, Site, Width};

use super::util::{self, OneOfNLabels};

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

/// The labels of the 1 of N steps, in the spec's words (PE).
const LABELS: OneOfNLabels = OneOfNLabels {
    chosen: "1ofn-pe",
    chosen_acks: "chosen-pe-acks",
    other_sees_nothing: "other-pe-sees-nothing",
};

fn run(ctx: &mut Ctx<'_>) {
    if ctx.gicd_typer().0 & (1 << 25) != 0 {
        ctx.skip("GICD_TYPER.No1N = 1: 1 of N SPI routing is not supported");
        return;
    }
    let irouter = Site::Gicd(gicd::IROUTER + 8 * SPI.raw());
    ctx.write(irouter, Width::B64, IRM);
    let got = ctx.read(irouter, Width::B64);
    ctx.check_eq("irm-reads-back", got & IRM, IRM);
    util::one_of_n_delivery(ctx, SPI, &LABELS);
}
