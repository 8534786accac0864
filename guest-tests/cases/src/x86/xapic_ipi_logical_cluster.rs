//! `x86.xapic-ipi-logical-cluster`: in the cluster model with LDR 0x11 (CPU 0) and 0x12 (CPU
//! 1), IPIs to 0x12 reach CPU 1 only, to 0x13 both, to 0x22 (cluster 2) neither.
//!
//! Spec: Intel SDM vol. 3 §11.6.2.2 (cluster model: destination bits 7:4 name the cluster, bits
//! 3:0 the members).
//!
//! Expected: CPU 0 / CPU 1 take: -/0x58, 0x59/0x59, -/-. Why: the cluster model is used above
//! eight CPUs; its decoding is separate code in every virtual APIC.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-ipi-logical-cluster",
    title: "cluster-model logical IPIs match the cluster and the member bits",
    spec: "Intel SDM vol. 3 11.6.2.2",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::DFR, lapic::DFR_CLUSTER);
    ctx.lapic_write(lapic::LDR, lapic::ldr(0x11));
    ctx.on_cpu(1, |c| {
        c.lapic_write(lapic::DFR, lapic::DFR_CLUSTER);
        c.lapic_write(lapic::LDR, lapic::ldr(0x12));
    });
    for (mda, v, want0, want1, label0, label1) in [
        (0x12, 0x58, 0, 0x58, "member-2-not-cpu0", "member-2-cpu1"),
        (
            0x13,
            0x59,
            0x59,
            0x59,
            "members-1-2-cpu0",
            "members-1-2-cpu1",
        ),
        (
            0x22,
            0x5a,
            0,
            0,
            "other-cluster-not-cpu0",
            "other-cluster-not-cpu1",
        ),
    ] {
        util::send(ctx, Icr::xapic_logical(DeliveryMode::Fixed, v, mda));
        let own = util::take_and_eoi(ctx);
        ctx.check_eq(label0, own, want0);
        let other = util::take_and_eoi_on(ctx, 1);
        ctx.check_eq(label1, other, want1);
    }
}
