//! `x86.vtd-posted-two-vectors-one-notification`: IRTEs 0 and 1 post vectors 0x86 and 0x87 to
//! one descriptor (NV 0xf2, CPU 0); MSIs through both set both PIR bits, and CPU 0 takes 0xf2
//! once.
//!
//! Spec: Intel VT-d specification §5.2 (interrupt posting: the vector is recorded in the
//! descriptor's PIR and a notification event is sent unless ON is already set or SN is set for
//! a non-urgent request), §9.11 (posted-format IRTE: IM = 1, URG, virtual vector, descriptor
//! address), §9.12 (descriptor: PIR, ON, SN, NV, NDST); seed 001.
//!
//! Expected: 0xf2 once; PIR bits 0x86 and 0x87 set. Why: the PIR holds up to 256 pending
//! vectors (seed 001); a second notification for the same batch is wasted work or a spurious
//! interrupt.

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::{self, PostedDescriptor};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-posted-two-vectors-one-notification",
    title: "two posts to one descriptor record both vectors behind one notification",
    spec: "Intel VT-d 5.2, 9.11, 9.12",
    needs: Needs {
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

const A: Vector = Vector::new(0x86);
const B: Vector = Vector::new(0x87);

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    let Some(pd) = util::posted_setup(ctx, PostedDescriptor::new(0xf2, dest), &[A, B]) else {
        return;
    };
    if !util::msi(ctx, vtd::remappable_msi_address(0), 0) {
        util::vtd_off(ctx);
        return;
    }
    util::msi(ctx, vtd::remappable_msi_address(1), 0);
    let got = util::take_and_eoi(ctx);
    ctx.check_eq("one-notification", got, 0xf2);
    let d = util::read_descriptor(ctx, pd);
    ctx.check("both-vectors-posted", d.pir(A) && d.pir(B));
    util::vtd_off(ctx);
}
