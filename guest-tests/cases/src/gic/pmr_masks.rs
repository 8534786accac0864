//! `gic.pmr-masks`: a pending SPI whose priority is not higher than the priority mask is not
//! signalled; raising the mask lets it through.
//!
//! Spec: IHI 0048B §3.3 (priority masking: the CPU interface signals an interrupt only if its
//! priority is higher, i.e. numerically lower, than GICC_PMR) and §4.4.2 (GICC_PMR); IHI 0069H
//! §4.8 and §12.2 (ICC_PMR_EL1).
//!
//! Expected: with the SPI at priority 0xa0 and the mask at 0xa0, the acknowledge returns 1023
//! and the SPI stays pending; with the mask back at 0xff it is acknowledged. Why: guests raise
//! PMR for critical sections (Linux's pseudo-NMI does exactly this); a vGIC that compares with
//! `<=` or ignores PMR delivers interrupts inside those sections.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.pmr-masks",
    title: "an SPI at priority == PMR is masked (1023); raising PMR delivers it",
    spec: "IHI 0048B 3.3, 4.4.2; IHI 0069H 4.8, 12.2 (ICC_PMR_EL1)",
    needs: Needs::ANY_GIC,
    run,
};

/// INTID 49, at the reset priority 0xa0.
const SPI: IntId = IntId::spi(17);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority_mask(0xa0);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let got = ctx.ack();
    ctx.check_eq(
        "masked-not-acked",
        got.raw().into(),
        IntId::SPURIOUS.raw().into(),
    );
    let pending = ctx.is_pending(SPI);
    ctx.check("still-pending", pending);
    ctx.set_priority_mask(0xff);
    let got = ctx.ack_when_pending();
    ctx.check_eq("unmasked-acked", got.raw().into(), SPI.raw().into());
    ctx.eoi(SPI);
}
