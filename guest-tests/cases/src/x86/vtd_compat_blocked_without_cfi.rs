//! `x86.vtd-compat-blocked-without-cfi`: with remapping on and CFIS = 0, a compatibility-format
//! MSI to CPU 0 (vector 0x7d) is not delivered; the fault record holds reason 0x25. Skipped
//! without remapping.
//!
//! Spec: Intel VT-d specification §5.1.2.1 (compatibility format interrupts are blocked when
//! IRES = 1 and CFIS = 0), §7.1.3 (reason 25h).
//!
//! Expected: window empty; FR 0x25. Why: blocking compatibility format is what makes remapping
//! a security boundary; a vIOMMU that passes them lets a guest forge interrupts.

use guest_kit::inject::Injection;
use guest_kit::regs::msi::{MsiAddress, MsiData};
use guest_kit::regs::vtd::fault_reason;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-compat-blocked-without-cfi",
    title: "with remapping on and CFI clear, a compatibility-format MSI is blocked as fault 25h",
    spec: "Intel VT-d 5.1.2.1, 7.1.3",
    needs: Needs {
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    if util::remap_with(ctx, &[]).is_none() {
        return;
    }
    let data = MsiData::fixed(Vector::new(0x7d)).0;
    let Some(taken) = util::remapped_msi_taken(ctx, MsiAddress::physical(dest).0, data) else {
        return;
    };
    ctx.check_eq("blocked", taken, 0);
    let record = util::first_fault_record(ctx);
    ctx.check("fault-recorded", record.fault());
    ctx.check_eq(
        "fault-reason",
        record.reason().into(),
        fault_reason::COMPAT_BLOCKED.into(),
    );
    util::vtd_off(ctx);
}
