//! `x86.vtd-posted-records-pir-and-notifies`: with IRTE 0 posted (vector 0x82) and a descriptor
//! with NV = 0xf2, NDST = CPU 0, ON = SN = 0: an MSI naming handle 0 sets PIR bit 0x82 and ON,
//! and CPU 0 takes 0xf2 (not 0x82). Skipped where the unit does not post (CAP.PI = 0).
//!
//! Spec: Intel VT-d specification §5.2 (interrupt posting: the vector is recorded in the
//! descriptor's PIR and a notification event is sent unless ON is already set or SN is set for
//! a non-urgent request), §9.11 (posted-format IRTE: IM = 1, URG, virtual vector, descriptor
//! address), §9.12 (descriptor: PIR, ON, SN, NV, NDST); seed 001.
//!
//! Expected: PIR bit 1; ON 1; 0xf2 taken. Why: posting is how assigned-device interrupts reach
//! a running vCPU without an exit (seed 001); the notification carries NV, never the device's
//! vector.

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::PostedDescriptor;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-posted-records-pir-and-notifies",
    title: "a posted MSI sets its PIR bit and ON and sends the notification vector",
    spec: "Intel VT-d 5.2, 9.11, 9.12",
    needs: Needs {
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

const NV: Vector = Vector::new(0xf2);
const V: Vector = Vector::new(0x82);

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    let Some((pd, got)) = util::post_one(ctx, PostedDescriptor::new(NV.raw(), dest), V) else {
        return;
    };
    ctx.check_eq("notification-vector", got, NV.raw().into());
    let d = util::read_descriptor(ctx, pd);
    ctx.check("pir-bit-set", d.pir(V));
    ctx.check("on-set", d.on());
    util::vtd_off(ctx);
}
