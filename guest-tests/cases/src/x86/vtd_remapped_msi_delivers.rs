//! `x86.vtd-remapped-msi-delivers`: with IRTE 0 = vector 0x78 to CPU 0 and remapping on, an MSI
//! naming handle 0 is taken by CPU 0 as 0x78.
//!
//! Spec: Intel VT-d specification §5.1.2.2 (remappable MSI format: handle in address bits 19:5
//! and 2), §5.1.4 (remapping), §9.10 (IRTE: vector, destination).
//!
//! Expected: 0x78 taken. Why: the interrupt-remapping data path of every vIOMMU.

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::{self, Irte};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-remapped-msi-delivers",
    title: "a remappable MSI is delivered with the vector and destination of its IRTE",
    spec: "Intel VT-d 5.1.2.2, 5.1.4, 9.10",
    needs: Needs {
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    if util::remap_with(ctx, &[Irte::remapped(0x78, dest)]).is_none() {
        return;
    }
    let Some(got) = util::remapped_msi_taken(ctx, vtd::remappable_msi_address(0), 0) else {
        return;
    };
    ctx.check_eq("remapped-vector-taken", got, 0x78);
    util::vtd_off(ctx);
}
