//! `x86.vtd-posted-ndst-follows-migration`: a descriptor with NDST = CPU 0 is rewritten (as a
//! hypervisor does when the vCPU moves, seed 001) to NDST = CPU 1 and NV 0xf4; an MSI through
//! its posted IRTE (vector 0x88) is notified to CPU 1 as 0xf4, and CPU 0 takes nothing.
//!
//! Spec: Intel VT-d specification §5.2 (interrupt posting: the vector is recorded in the
//! descriptor's PIR and a notification event is sent unless ON is already set or SN is set for
//! a non-urgent request), §9.11 (posted-format IRTE: IM = 1, URG, virtual vector, descriptor
//! address), §9.12 (descriptor: PIR, ON, SN, NV, NDST); seed 001.
//!
//! Expected: CPU 0 empty; CPU 1 takes 0xf4. Why: seed 001: migrating a vCPU only rewrites NDST;
//! the unit must read it at post time, not cache it with the IRTE.

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::{self, PostedDescriptor};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-posted-ndst-follows-migration",
    title: "the notification goes to the CPU NDST names at the time of the post",
    spec: "Intel VT-d 5.2, 9.11, 9.12",
    needs: Needs {
        cpus: 2,
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x88);

fn run(ctx: &mut Ctx<'_>) {
    let (cpu0, cpu1) = (util::apic_id(ctx, 0), util::apic_id(ctx, 1));
    let Some(pd) = util::posted_setup(ctx, PostedDescriptor::new(0xf2, cpu0), &[V]) else {
        return;
    };
    ctx.mem_write(pd, &PostedDescriptor::new(0xf4, cpu1).0);
    let Some(own) = util::remapped_msi_taken(ctx, vtd::remappable_msi_address(0), 0) else {
        return;
    };
    ctx.check_eq("not-old-cpu", own, 0);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("new-cpu-new-vector", other, 0xf4);
    util::vtd_off(ctx);
}
