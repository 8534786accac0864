//! `x86.vtd-remapped-msi-to-cpu1`: with IRTE 0 = vector 0x79 to CPU 1, an MSI naming handle 0
//! is taken by CPU 1 only.
//!
//! Spec: Intel VT-d specification §5.1.4, §9.10 (the IRTE's destination replaces the
//! request's).
//!
//! Expected: CPU 0 empty; CPU 1 0x79. Why: remapping is how a hypervisor retargets assigned-
//! device interrupts.

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::{self, Irte};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-remapped-msi-to-cpu1",
    title: "an IRTE naming CPU 1 delivers there, whatever the MSI address said",
    spec: "Intel VT-d 5.1.4, 9.10",
    needs: Needs {
        cpus: 2,
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 1);
    if util::remap_with(ctx, &[Irte::remapped(0x79, dest)]).is_none() {
        return;
    }
    let Some(own) = util::remapped_msi_taken(ctx, vtd::remappable_msi_address(0), 0) else {
        return;
    };
    ctx.check_eq("not-cpu0", own, 0);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("cpu1-takes", other, 0x79);
    util::vtd_off(ctx);
}
