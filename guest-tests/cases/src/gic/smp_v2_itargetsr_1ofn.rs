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

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs, Site, Width};

use super::util::{self, OneOfNLabels};

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

/// The labels of the 1 of N steps, in the spec's words (CPU).
const LABELS: OneOfNLabels = OneOfNLabels {
    chosen: "1ofn-cpu",
    chosen_acks: "chosen-cpu-acks",
    other_sees_nothing: "other-cpu-sees-nothing",
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.write(
        Site::Gicd(gicd::ITARGETSR.base + SPI.raw()),
        Width::B8,
        0b11,
    );
    util::one_of_n_delivery(ctx, SPI, &LABELS);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-eoi", !active);
}
