//! `gic.smp-sgi-to-other-cpu`: an SGI sent to another CPU is delivered there and only there.
//!
//! Spec: IHI 0048B §4.3.15 (GICD_SGIR, TargetListFilter = 0b00 with CPUTargetList) and §4.4.4
//! (GICC_IAR.CPUID names the requesting CPU); IHI 0069H §12.2.22 (ICC_SGI1R_EL1 TargetList,
//! Aff1-3) and §4.1 (SGIs are banked: the pending state is the target PE's).
//!
//! Expected: CPU 0 sends SGI 3 to CPU 1 only. CPU 0 then has nothing to acknowledge (1023); CPU
//! 1 acknowledges INTID 3 (on GICv2 with CPUID 0, the sender), reads it active in its own bank,
//! and after EOI inactive. Why: this is the IPI a guest kernel uses for rescheduling and TLB
//! shootdowns; a vGIC that delivers it to the sender, loses it, or reports the wrong source
//! breaks SMP guests.

use guest_kit::{Case, Ctx, IntId, Needs, SgiTargets};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-sgi-to-other-cpu",
    title: "an SGI sent to CPU 1 is acknowledged on CPU 1 with the sender's id, not on CPU 0",
    spec: "IHI 0048B 4.3.15, 4.4.4; IHI 0069H 12.2.22",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const SGI: IntId = IntId::sgi(3);

fn run(ctx: &mut Ctx<'_>) {
    ctx.on_cpu(1, |ctx| ctx.enable(SGI));
    ctx.enable(SGI);
    ctx.send_sgi(SGI, SgiTargets::Cpus(1 << 1));
    ctx.on_cpu(1, |ctx| {
        let iar = ctx.ack_when_pending_raw();
        ctx.check_eq("cpu1-ack-intid", (iar & 0x3ff).into(), SGI.raw().into());
        if !ctx.info().gic.has_sysregs() {
            ctx.check_eq("cpu1-ack-source", ((iar >> 10) & 0x7).into(), 0);
        }
        let active = ctx.is_active(SGI);
        ctx.check("cpu1-active-after-ack", active);
        ctx.eoi(SGI);
        let active = ctx.is_active(SGI);
        ctx.check("cpu1-inactive-after-eoi", !active);
    });
    let got = ctx.ack();
    ctx.check_eq("cpu0-nothing-pending", got.raw().into(), 1023);
}
