//! `gic.smp-sgi-from-cpu1`: an SGI sent by CPU 1 to CPU 0 is delivered to CPU 0, and on GICv2
//! names CPU 1 as its source.
//!
//! Spec: IHI 0048B §4.3.15 (GICD_SGIR: the distributor records the requesting CPU) and §4.4.4
//! (GICC_IAR.CPUID, bits [12:10]: for an SGI, the CPU that requested it); IHI 0069H §12.2.22
//! (ICC_SGI1R_EL1, written on the sending PE, TargetList bit 0 = Aff0 0).
//!
//! Expected: CPU 1 sends SGI 7 to CPU 0 only. CPU 0 acknowledges INTID 7 (GICv2: CPUID 1) and,
//! after EOI, has nothing more (1023); CPU 1 has nothing to acknowledge (1023). Why: every SGI
//! test from the boot CPU alone cannot tell "the source" from "CPU 0"; a vGIC that hard-wires
//! CPUID 0, or writes the sender's own bank, passes them all and breaks secondary-CPU IPIs.

use guest_kit::{Case, Ctx, IntId, Needs, SgiTargets};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-sgi-from-cpu1",
    title: "an SGI from CPU 1 to CPU 0 reaches CPU 0 only, with CPUID 1 on GICv2",
    spec: "IHI 0048B 4.3.15, 4.4.4; IHI 0069H 12.2.22",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const SGI: IntId = IntId::sgi(7);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.on_cpu(1, |ctx| {
        ctx.enable(SGI);
        ctx.send_sgi(SGI, SgiTargets::Cpus(1 << 0));
    });
    let iar = ctx.ack_when_pending_raw();
    ctx.check_eq("cpu0-ack-intid", (iar & 0x3ff).into(), SGI.raw().into());
    if !ctx.info().gic.has_sysregs() {
        ctx.check_eq("cpu0-ack-source-cpu1", ((iar >> 10) & 0x7).into(), 1);
    }
    ctx.eoi(IntId::from_raw(iar));
    let got = ctx.ack();
    ctx.check_eq("cpu0-delivered-once", got.raw().into(), SPURIOUS);
    ctx.on_cpu(1, |ctx| {
        let got = ctx.ack();
        ctx.check_eq("sender-sees-nothing", got.raw().into(), SPURIOUS);
    });
}
