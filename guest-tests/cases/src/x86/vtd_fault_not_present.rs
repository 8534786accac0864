//! `x86.vtd-fault-not-present`: with IRTE 1 not present, an MSI naming handle 1 is not
//! delivered; the fault record holds reason 0x22 and the source-id. Skipped without remapping.
//!
//! Spec: Intel VT-d specification §5.1.4 (interrupt-remapping checks), §7.1.3 (table 25:
//! interrupt-remapping fault reasons), §10.4.9 (FSTS: PPF, FRI), §10.4.14 (fault recording
//! registers: F, FR, SID).
//!
//! Expected: window empty; fault record F = 1, FR = 0x22, SID = the requester; FSTS.PPF = 1.
//! Why: a cleared IRTE is how drivers revoke an interrupt; delivering through it is a security
//! hole.

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::{self, Irte, fault_reason};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-fault-not-present",
    title: "a handle naming a not-present IRTE is blocked and recorded as fault 22h",
    spec: "Intel VT-d 5.1.4, 7.1.3, 10.4.9, 10.4.14",
    needs: Needs {
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    if util::remap_with(
        ctx,
        &[
            Irte::remapped(0x7b, 0),
            Irte::remapped(0x7b, 0).not_present(),
        ],
    )
    .is_none()
    {
        return;
    }
    util::expect_blocked_fault(
        ctx,
        vtd::remappable_msi_address(1),
        fault_reason::NOT_PRESENT,
    );
}
