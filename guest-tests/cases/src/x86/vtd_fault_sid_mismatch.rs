//! `x86.vtd-fault-sid-mismatch`: with IRTE 0 verifying source-id 0x0020 (SVT = 01), an MSI from
//! requester 0x0018 naming handle 0 is not delivered; the fault record holds reason 0x26 and
//! source-id 0x0018. Skipped without remapping.
//!
//! Spec: Intel VT-d specification §5.1.4 (interrupt-remapping checks), §7.1.3 (table 25:
//! interrupt-remapping fault reasons), §10.4.9 (FSTS: PPF, FRI), §10.4.14 (fault recording
//! registers: F, FR, SID).
//!
//! Expected: window empty; fault record F = 1, FR = 0x26, SID = the requester; FSTS.PPF = 1.
//! Why: source-id verification stops one device from raising another's interrupts (VT-d's
//! isolation for assigned devices).

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::{self, Irte, fault_reason};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-fault-sid-mismatch",
    title: "an IRTE verifying another requester blocks the MSI as fault 26h",
    spec: "Intel VT-d 5.1.4, 7.1.3, 10.4.9, 10.4.14",
    needs: Needs {
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    if util::remap_with(ctx, &[Irte::remapped(0x7c, 0).verify_sid(0x0020)]).is_none() {
        return;
    }
    util::expect_blocked_fault(
        ctx,
        vtd::remappable_msi_address(0),
        fault_reason::SID_MISMATCH,
    );
}
