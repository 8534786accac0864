//! `gic.smp-sgi-banked-pending`: the same SGI pending on two CPUs is two pending states:
//! acknowledging and ending it on CPU 0 leaves CPU 1's copy pending.
//!
//! Spec: IHI 0048B §1.4.3 and §3.1.1 (SGIs use the N-N model: each target processor handles
//! the interrupt independently) and §4.3.7 (GICD_ISPENDR0 is banked per CPU); IHI 0069H §3.1
//! (SGIs and PPIs are banked: the pending state is the target PE's redistributor's).
//!
//! Expected: CPU 0 sends SGI 9 to both CPUs, then acknowledges and ends its own copy, after
//! which it reads SGI 9 neither pending nor active. CPU 1 then reads SGI 9 pending and not
//! active, acknowledges INTID 9 and ends it. Why: a vGIC that keeps one pending bit per SGI
//! (not per SGI and vCPU) drops the second CPU's IPI as soon as the first is handled.

use guest_kit::regs::gicd;
use guest_kit::{Case, Ctx, IntId, Needs, SgiTargets};

use super::wait;

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-sgi-banked-pending",
    title: "an SGI handled on CPU 0 stays pending on CPU 1 until CPU 1 acknowledges it",
    spec: "IHI 0048B 1.4.3, 3.1.1, 4.3.7; IHI 0069H 3.1",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const SGI: IntId = IntId::sgi(9);

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.on_cpu(1, |ctx| ctx.enable(SGI));
    ctx.send_sgi(SGI, SgiTargets::Cpus(0b11));
    let iar = ctx.ack_when_pending_raw();
    ctx.check_eq("cpu0-ack", (iar & 0x3ff).into(), SGI.raw().into());
    ctx.eoi(IntId::from_raw(iar));
    let (pending, active) = (ctx.is_pending(SGI), ctx.is_active(SGI));
    ctx.check("cpu0-idle-after-eoi", !pending && !active);
    ctx.on_cpu(1, |ctx| {
        let (site, shift) = ctx.irq_reg(gicd::ISPENDR, SGI);
        wait::until_all_set(ctx, site, 1 << shift);
        let (pending, active) = (ctx.is_pending(SGI), ctx.is_active(SGI));
        ctx.check("cpu1-still-pending", pending);
        ctx.check("cpu1-not-active", !active);
        let iar = ctx.ack_when_pending_raw();
        ctx.check_eq("cpu1-ack", (iar & 0x3ff).into(), SGI.raw().into());
        ctx.eoi(IntId::from_raw(iar));
    });
}
