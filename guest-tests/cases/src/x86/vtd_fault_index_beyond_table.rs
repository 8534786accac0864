//! `x86.vtd-fault-index-beyond-table`: with a 16-entry table (IRTA.S = 3), an MSI naming handle
//! 40 is not delivered; the first fault recording register holds reason 0x21 and the
//! requester's source-id, and FSTS.PPF is set. Skipped without remapping.
//!
//! Spec: Intel VT-d specification §5.1.4 (interrupt-remapping checks), §7.1.3 (table 25:
//! interrupt-remapping fault reasons), §10.4.9 (FSTS: PPF, FRI), §10.4.14 (fault recording
//! registers: F, FR, SID).
//!
//! Expected: window empty; fault record F = 1, FR = 0x21, SID = the requester; FSTS.PPF = 1.
//! Why: fault records are how a guest driver diagnoses a device with a stale handle.

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::{self, Irte, fault_reason};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-fault-index-beyond-table",
    title: "a handle past the remapping table is blocked and recorded as fault 21h",
    spec: "Intel VT-d 5.1.4, 7.1.3, 10.4.9, 10.4.14",
    needs: Needs {
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    if util::remap_with(ctx, &[Irte::remapped(0x7a, 0)]).is_none() {
        return;
    }
    util::expect_blocked_fault(
        ctx,
        vtd::remappable_msi_address(40),
        fault_reason::INDEX_BEYOND_TABLE,
    );
}
