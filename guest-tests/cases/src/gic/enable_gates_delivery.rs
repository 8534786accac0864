//! `gic.enable-gates-delivery`: a pending but disabled SPI is not signalled and stays pending;
//! once enabled it is acknowledged.
//!
//! Spec: IHI 0048B §4.3.5 (GICD_ISENABLERn: the enable controls forwarding from the
//! distributor to the CPU interfaces, not the pending state) and §3.2.4; IHI 0069H §12.9
//! (GICD_ISENABLER<n>) and §4.1.2.
//!
//! Expected: with the SPI pending and disabled, the acknowledge returns 1023 and the SPI still
//! reads pending; after GICD_ISENABLER the acknowledge returns the SPI. Why: guests mask
//! interrupts with ICENABLER while devices keep raising them; a vGIC that drops pending state
//! on disable (or delivers it anyway) loses or spuriously takes interrupts.

use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.enable-gates-delivery",
    title: "a disabled pending SPI is not acknowledged and stays pending; enabled, it is",
    spec: "IHI 0048B 4.3.5, 3.2.4; IHI 0069H 12.9 (GICD_ISENABLER), 4.1.2",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(11);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_pending(SPI);
    let got = ctx.ack();
    ctx.check_eq(
        "disabled-not-acked",
        got.raw().into(),
        IntId::SPURIOUS.raw().into(),
    );
    let pending = ctx.is_pending(SPI);
    ctx.check("still-pending", pending);
    ctx.enable(SPI);
    let got = ctx.ack_when_pending();
    ctx.check_eq("enabled-acked", got.raw().into(), SPI.raw().into());
    ctx.eoi(SPI);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-eoi", !active);
}
