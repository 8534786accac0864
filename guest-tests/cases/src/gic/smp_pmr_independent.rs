//! `gic.smp-pmr-independent`: each CPU interface has its own priority mask: CPU 0 masking
//! everything does not mask CPU 1.
//!
//! Spec: IHI 0048B §4.4.2 (GICC_PMR, one per CPU interface) and §3.3 (the CPU interface signals
//! an interrupt only if its priority is higher than the mask); IHI 0069H §12.2 (ICC_PMR_EL1, a
//! register of each PE) and §4.8.
//!
//! Expected: CPU 0 sets its mask to 0x00; SGI 4 (priority 0xa0) is sent to both CPUs. CPU 0,
//! with the SGI pending, acknowledges nothing (1023); CPU 1 acknowledges SGI 4. With its mask
//! back at 0xff CPU 0 acknowledges its copy. Why: the mask lives in ICH_VMCR/GICH_VMCR per vCPU;
//! a hypervisor that saves one vCPU's VMCR into another's context masks the wrong CPU.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs, SgiTargets};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-pmr-independent",
    title: "CPU 0's priority mask at 0 masks its SGI but not CPU 1's copy",
    spec: "IHI 0048B 4.4.2, 3.3; IHI 0069H 12.2 (ICC_PMR_EL1), 4.8",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const SGI: IntId = IntId::sgi(4);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority_mask(0x00);
    ctx.enable(SGI);
    ctx.on_cpu(1, |ctx| ctx.enable(SGI));
    ctx.send_sgi(SGI, SgiTargets::Cpus(0b11));
    let (site, shift) = ctx.irq_reg(gicd::ISPENDR, SGI);
    wait::until_all_set(ctx, site, 1 << shift);
    let pending = ctx.is_pending(SGI);
    ctx.check("cpu0-pending", pending);
    let got = ctx.ack();
    ctx.check_eq("cpu0-masked", got.raw().into(), SPURIOUS);
    ctx.on_cpu(1, |ctx| {
        let got = ctx.ack_when_pending();
        ctx.check_eq("cpu1-not-masked", got.raw().into(), SGI.raw().into());
        ctx.eoi(SGI);
    });
    ctx.set_priority_mask(0xff);
    let got = ctx.ack_when_pending();
    ctx.check_eq("cpu0-unmasked", got.raw().into(), SGI.raw().into());
    ctx.eoi(SGI);
}
