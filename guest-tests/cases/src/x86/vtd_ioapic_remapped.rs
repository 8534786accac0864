//! `x86.vtd-ioapic-remapped`: with IRTE 0 = vector 0x89 to CPU 0 and remapping on, pin 3
//! programmed remappable (handle 0, edge) delivers 0x89 when the line pulses. Skipped without
//! remapping.
//!
//! Spec: Intel VT-d specification §5.1.5.1 (IOAPIC redirection entries in remappable format:
//! bit 48, interrupt index in bits 63:49 and 11), §5.1.4, §9.10.
//!
//! Expected: 0x89 taken. Why: with interrupt remapping the IOAPIC's messages are remapped like
//! MSIs; a vIOMMU that only remaps PCI MSIs leaves IOAPIC routes stale (seed 003: the IOAPIC
//! and the remapping unit may live in different places).

use guest_kit::inject::Injection;
use guest_kit::regs::ioapic::Redirection;
use guest_kit::regs::vtd::Irte;
use guest_kit::{Case, Ctx, Needs};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-ioapic-remapped",
    title: "an IOAPIC entry in remappable format is delivered through its IRTE",
    spec: "Intel VT-d 5.1.5.1, 5.1.4, 9.10",
    needs: Needs {
        iommu: true,
        inject: Injection::LINE,
        ..Needs::IOAPIC
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    if util::remap_with(ctx, &[Irte::remapped(0x89, dest)]).is_none() {
        return;
    }
    util::set_rte(ctx, LINE_PIN, Redirection::remappable(0, 0x89));
    if !util::pulse(ctx, LINE_PIN) {
        util::vtd_off(ctx);
        return;
    }
    let got = util::take_and_eoi(ctx);
    ctx.check_eq("remapped-vector-taken", got, 0x89);
    util::vtd_off(ctx);
}
