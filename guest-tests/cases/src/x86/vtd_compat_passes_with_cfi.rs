//! `x86.vtd-compat-passes-with-cfi`: with remapping on and CFI set, a compatibility-format MSI
//! to CPU 0 with vector 0x7e is taken as 0x7e. Skipped without remapping.
//!
//! Spec: Intel VT-d specification §5.1.2.1 (CFIS = 1: compatibility format interrupts bypass
//! remapping), §10.4.4 (CFI).
//!
//! Expected: 0x7e taken. Why: the legacy pass-through that firmware and old guests depend on.

use guest_kit::inject::Injection;
use guest_kit::regs::msi::{MsiAddress, MsiData};
use guest_kit::regs::vtd;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-compat-passes-with-cfi",
    title: "with CFI set a compatibility-format MSI passes through remapping unchanged",
    spec: "Intel VT-d 5.1.2.1, 10.4.4",
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
    util::gcmd(ctx, vtd::Global::CFI, vtd::Global::CFI);
    let data = MsiData::fixed(Vector::new(0x7e)).0;
    let Some(got) = util::remapped_msi_taken(ctx, MsiAddress::physical(dest).0, data) else {
        return;
    };
    ctx.check_eq("passed-through", got, 0x7e);
    util::vtd_off(ctx);
}
