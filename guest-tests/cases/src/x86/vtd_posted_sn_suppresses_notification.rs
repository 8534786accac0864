//! `x86.vtd-posted-sn-suppresses-notify`: with SN = 1 in the descriptor and a non-urgent
//! IRTE (vector 0x83), an MSI sets PIR bit 0x83, leaves ON 0 and nothing is taken. Skipped
//! without posting.
//!
//! Spec: Intel VT-d specification §5.2 (interrupt posting: the vector is recorded in the
//! descriptor's PIR and a notification event is sent unless ON is already set or SN is set for
//! a non-urgent request), §9.11 (posted-format IRTE: IM = 1, URG, virtual vector, descriptor
//! address), §9.12 (descriptor: PIR, ON, SN, NV, NDST); seed 001.
//!
//! Expected: PIR 1; ON 0; window empty. Why: seed 001: a runnable-but-not-running vCPU sets SN
//! so posts accumulate without waking anything; the PIR is synced at the next entry.

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::PostedDescriptor;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-posted-sn-suppresses-notify",
    title: "with SN set a non-urgent post records the vector and sends no notification",
    spec: "Intel VT-d 5.2, 9.11, 9.12",
    needs: Needs {
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x83);

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    let mut desc = PostedDescriptor::new(0xf2, dest);
    desc.suppress();
    let Some((pd, got)) = util::post_one(ctx, desc, V) else {
        return;
    };
    ctx.check_eq("no-notification", got, 0);
    let d = util::read_descriptor(ctx, pd);
    ctx.check("pir-bit-set", d.pir(V));
    ctx.check("on-clear", !d.on());
    util::vtd_off(ctx);
}
