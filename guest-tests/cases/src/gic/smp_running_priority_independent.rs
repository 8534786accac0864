//! `gic.smp-running-priority-independent`: each CPU interface has its own running priority:
//! an interrupt active on CPU 0 neither raises CPU 1's running priority nor blocks a
//! lower-priority interrupt on CPU 1.
//!
//! Spec: IHI 0048B §4.4.6 (GICC_RPR: the running priority of this CPU interface, 0xff when
//! idle) and §3.3 (preemption is decided against the CPU interface's own running priority);
//! IHI 0069H §12.2 (ICC_RPR_EL1) and §4.8.
//!
//! Expected: CPU 0 acknowledges SGI 1 at priority 0x80 and reads RPR 0x80. CPU 1 reads RPR 0xff,
//! acknowledges its own SGI 1 at priority 0xa0 and reads RPR 0xa0; CPU 0 still reads 0x80. Both
//! end their SGI. Why: active priorities are per vCPU state (GICH_APR/ICH_AP1R); a vGIC that
//! keeps them globally stops every CPU from taking interrupts while one handles a high-priority
//! one.

use guest_kit::{Case, Ctx, IntId, Needs, SgiTargets};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-running-priority-independent",
    title: "an SGI active at 0x80 on CPU 0 leaves CPU 1's running priority idle",
    spec: "IHI 0048B 4.4.6, 3.3; IHI 0069H 12.2 (ICC_RPR_EL1), 4.8",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const SGI: IntId = IntId::sgi(1);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority(SGI, 0x80);
    ctx.enable(SGI);
    ctx.on_cpu(1, |ctx| ctx.enable(SGI));
    ctx.send_sgi(SGI, SgiTargets::Myself);
    let iar = ctx.ack_when_pending_raw();
    ctx.check_eq("cpu0-ack", (iar & 0x3ff).into(), SGI.raw().into());
    let rpr = ctx.running_priority();
    ctx.check_eq("cpu0-rpr-active", rpr.into(), 0x80);
    ctx.send_sgi(SGI, SgiTargets::Cpus(1 << 1));
    ctx.on_cpu(1, |ctx| {
        let rpr = ctx.running_priority();
        ctx.check_eq("cpu1-rpr-idle", rpr.into(), 0xff);
        let iar = ctx.ack_when_pending_raw();
        ctx.check_eq("cpu1-ack", (iar & 0x3ff).into(), SGI.raw().into());
        let rpr = ctx.running_priority();
        ctx.check_eq("cpu1-rpr-own", rpr.into(), 0xa0);
        ctx.eoi(IntId::from_raw(iar));
    });
    let rpr = ctx.running_priority();
    ctx.check_eq("cpu0-rpr-kept", rpr.into(), 0x80);
    ctx.eoi(IntId::from_raw(iar));
}
