//! `gic.smp-sgi-list-both`: an SGI whose target list names both CPUs is delivered to each of
//! them, once.
//!
//! Spec: IHI 0048B §4.3.15 (GICD_SGIR, TargetListFilter = 0b00: forward to every CPU interface
//! in CPUTargetList) and §4.4.4 (GICC_IAR.CPUID is the requesting CPU); IHI 0069H §12.2.22
//! (ICC_SGI1R_EL1: the SGI is generated for every PE whose bit is set in TargetList) and §3.1
//! (SGIs are banked: each target PE has its own pending state).
//!
//! Expected: CPU 0 sends SGI 2 with target list 0b11. CPU 0 and CPU 1 each acknowledge INTID 2
//! (on GICv2 with CPUID 0, the sender) and, after EOI, have nothing more to acknowledge (1023).
//! Why: a multicast IPI (TLB shootdown, `smp_call_function_many`) is one SGIR write; a vGIC that
//! stops at the first set bit, or delivers one shared copy, leaves CPUs waiting forever.

use guest_kit::{Case, Ctx, IntId, Needs, SgiTargets};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-sgi-list-both",
    title: "an SGI with both CPUs in its target list is acknowledged once on each CPU",
    spec: "IHI 0048B 4.3.15, 4.4.4; IHI 0069H 12.2.22, 3.1",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const SGI: IntId = IntId::sgi(2);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn receive(ctx: &mut Ctx<'_>) {
    let iar = ctx.ack_when_pending_raw();
    ctx.check_eq("ack-intid", (iar & 0x3ff).into(), SGI.raw().into());
    if !ctx.info().gic.has_sysregs() {
        ctx.check_eq("ack-source-cpu0", ((iar >> 10) & 0x7).into(), 0);
    }
    ctx.eoi(IntId::from_raw(iar));
    let got = ctx.ack();
    ctx.check_eq("delivered-once", got.raw().into(), SPURIOUS);
}

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.on_cpu(1, |ctx| ctx.enable(SGI));
    ctx.send_sgi(SGI, SgiTargets::Cpus(0b11));
    receive(ctx);
    ctx.on_cpu(1, receive);
}
