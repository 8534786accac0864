//! `x86.vtd-posted-urgent-overrides-sn`: with SN = 1 and an urgent IRTE (URG = 1, vector 0x84),
//! an MSI sets PIR bit 0x84 and ON and CPU 0 takes NV 0xf3. Skipped without posting.
//!
//! Spec: Intel VT-d specification §5.2 (interrupt posting: the vector is recorded in the
//! descriptor's PIR and a notification event is sent unless ON is already set or SN is set for
//! a non-urgent request), §9.11 (posted-format IRTE: IM = 1, URG, virtual vector, descriptor
//! address), §9.12 (descriptor: PIR, ON, SN, NV, NDST); seed 001.
//!
//! Expected: 0xf3 taken; PIR 1; ON 1. Why: URG lets latency-critical interrupts reach a
//! descheduled vCPU (seed 001).

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::{self, PostedDescriptor};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-posted-urgent-overrides-sn",
    title: "an urgent post notifies even with SN set",
    spec: "Intel VT-d 5.2, 9.11, 9.12",
    needs: Needs {
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x84);

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    let mut desc = PostedDescriptor::new(0xf3, dest);
    desc.suppress();
    let Some(pd) = util::posted_urgent_setup(ctx, desc, V) else {
        return;
    };
    let Some(got) = util::remapped_msi_taken(ctx, vtd::remappable_msi_address(0), 0) else {
        return;
    };
    ctx.check_eq("notification-despite-sn", got, 0xf3);
    let d = util::read_descriptor(ctx, pd);
    ctx.check("pir-bit-set", d.pir(V));
    ctx.check("on-set", d.on());
    util::vtd_off(ctx);
}
