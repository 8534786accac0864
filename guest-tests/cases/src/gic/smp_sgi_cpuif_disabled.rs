//! `gic.smp-sgi-cpuif-disabled`: an SGI sent to a CPU whose CPU interface has its group
//! disabled stays pending there and is delivered once the group is enabled again.
//!
//! Spec: IHI 0048B §4.4.1 (GICC_CTLR.EnableGrp0: when 0 the CPU interface does not signal
//! Group 0 interrupts; the distributor's pending state is unaffected) and §4.3.15; IHI 0069H
//! §12.2 (ICC_IGRPEN1_EL1), §12.2.22 and §4.1 (pending state lives in the redistributor).
//!
//! Expected: CPU 1 clears its group enable (GICC_CTLR.EnableGrp0 on GICv2, where every interrupt
//! is Group 0 after the reset; ICC_IGRPEN1_EL1 on GICv3). CPU 0 sends SGI 11 to CPU 1; CPU 1
//! reads it pending. With the enable back, CPU 1 acknowledges INTID 11; CPU 0 has nothing to
//! acknowledge (1023). Why: guests mask a CPU interface across suspend and hotplug; a vGIC that
//! drops an IPI aimed at a vCPU with its interface off (instead of keeping it pending) hangs the
//! sender.

use guest_kit::regs::gicc::{self, Ctlr};
use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IccReg, IntId, Needs, SgiTargets, Site};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-sgi-cpuif-disabled",
    title: "an SGI to CPU 1 with its group disabled stays pending and is delivered on enable",
    spec: "IHI 0048B 4.4.1, 4.3.15; IHI 0069H 12.2 (ICC_IGRPEN1_EL1), 12.2.22, 4.1",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const SGI: IntId = IntId::sgi(11);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn set_enable(ctx: &mut Ctx<'_>, on: bool) {
    if ctx.info().gic.has_sysregs() {
        ctx.write(Site::Icc(IccReg::Igrpen1), ctx.cpuif_width(), on.into());
    } else {
        let grp0 = if on { Ctlr::ENABLE_GRP0 } else { Ctlr::empty() };
        ctx.write32(Site::Gicc(gicc::CTLR), (grp0 | Ctlr::ENABLE_GRP1).bits());
    }
}

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.on_cpu(1, |ctx| {
        set_enable(ctx, false);
        ctx.enable(SGI);
    });
    ctx.send_sgi(SGI, SgiTargets::Cpus(1 << 1));
    ctx.on_cpu(1, |ctx| {
        let (site, shift) = ctx.irq_reg(gicd::ISPENDR, SGI);
        wait::until_all_set(ctx, site, 1 << shift);
        let pending = ctx.is_pending(SGI);
        ctx.check("pending-while-disabled", pending);
        set_enable(ctx, true);
        let got = ctx.ack_when_pending();
        ctx.check_eq("delivered-after-enable", got.raw().into(), SGI.raw().into());
        ctx.eoi(SGI);
    });
    let got = ctx.ack();
    ctx.check_eq("sender-acks-nothing", got.raw().into(), SPURIOUS);
}
