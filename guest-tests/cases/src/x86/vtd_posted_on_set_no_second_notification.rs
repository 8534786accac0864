//! `x86.vtd-posted-on-set-no-second-notify`: with ON = 1 already, an MSI through a posted
//! IRTE (vector 0x85) sets PIR bit 0x85 and nothing is taken. Skipped without posting.
//!
//! Spec: Intel VT-d specification §5.2 (interrupt posting: the vector is recorded in the
//! descriptor's PIR and a notification event is sent unless ON is already set or SN is set for
//! a non-urgent request), §9.11 (posted-format IRTE: IM = 1, URG, virtual vector, descriptor
//! address), §9.12 (descriptor: PIR, ON, SN, NV, NDST); seed 001.
//!
//! Expected: PIR 1; window empty. Why: ON coalesces notifications: one per batch of posts until
//! software clears it.

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::PostedDescriptor;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-posted-on-set-no-second-notify",
    title: "a post to a descriptor with ON already set records the vector without notifying",
    spec: "Intel VT-d 5.2, 9.11, 9.12",
    needs: Needs {
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x85);

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    let mut desc = PostedDescriptor::new(0xf2, dest);
    desc.outstanding();
    let Some((pd, got)) = util::post_one(ctx, desc, V) else {
        return;
    };
    ctx.check_eq("no-second-notification", got, 0);
    let d = util::read_descriptor(ctx, pd);
    ctx.check("pir-bit-set", d.pir(V));
    util::vtd_off(ctx);
}
