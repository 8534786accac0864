//! `gic.smp-v3-sgi1r-irm`: ICC_SGI1R_EL1 with IRM = 1 delivers the SGI to every other PE and
//! not to the sender.
//!
//! Spec: IHI 0069H §12.2.22 (ICC_SGI1R_EL1.IRM [40]: 1 = interrupts routed to all PEs in the
//! system, excluding "self"; TargetList and the affinity fields are then ignored) and §3.1 (SGIs
//! are banked per PE).
//!
//! Expected: CPU 0 writes SGI 13 with IRM = 1. After a short wait CPU 0's redistributor shows SGI
//! 13 not pending and CPU 0 acknowledges nothing (1023); CPU 1 acknowledges INTID 13. Why: Linux
//! uses IRM = 1 for broadcast IPIs where it can; a vGIC that treats IRM as "everyone" interrupts
//! the sender with its own broadcast, one that ignores it sends to the (empty) TargetList.

use guest_kit::{Case, Ctx, IntId, Needs, SgiTargets};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v3-sgi1r-irm",
    title: "ICC_SGI1R_EL1 IRM=1 reaches CPU 1 and not the sending CPU 0",
    spec: "IHI 0069H 12.2.22, 3.1",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

const SGI: IntId = IntId::sgi(13);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    ctx.on_cpu(1, |ctx| ctx.enable(SGI));
    ctx.send_sgi(SGI, SgiTargets::AllButMyself);
    for _ in 0..16 {
        ctx.delay();
    }
    let pending = ctx.is_pending(SGI);
    ctx.check("not-pending-at-sender", !pending);
    let got = ctx.ack();
    ctx.check_eq("sender-acks-nothing", got.raw().into(), SPURIOUS);
    ctx.on_cpu(1, |ctx| {
        let got = ctx.ack_when_pending();
        ctx.check_eq("other-pe-acks", got.raw().into(), SGI.raw().into());
        ctx.eoi(SGI);
    });
}
