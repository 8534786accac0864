//! `gic.smp-priority-banked`: the priorities of SGIs and PPIs are banked per CPU.
//!
//! Spec: IHI 0048B §4.3.11 (GICD_IPRIORITYRn: in a multiprocessor implementation
//! GICD_IPRIORITYR0 to GICD_IPRIORITYR7 are banked for each connected processor); IHI 0069H
//! §12.10 (GICR_IPRIORITYR0-7, one set per redistributor).
//!
//! Expected: CPU 0 sets SGI 3 and PPI 27 to 0x40; CPU 1 reads both at the reset priority 0xa0,
//! then sets them to 0x80; CPU 0 still reads 0x40. Why: Linux gives the IPI used for pseudo-NMI
//! backtraces a high priority on each CPU as it comes up; a vGIC that shares bank 0 priorities
//! lets one CPU's setting overwrite another's.

use guest_kit::reset::DEFAULT_PRIORITY;
use guest_kit::{Case, Ctx, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-priority-banked",
    title: "SGI 3 and PPI 27 priorities set on CPU 0 and CPU 1 do not affect each other",
    spec: "IHI 0048B 4.3.11; IHI 0069H 12.10 (GICR_IPRIORITYR)",
    needs: Needs {
        cpus: 2,
        ..Needs::ANY_GIC
    },
    run,
};

const SGI: IntId = IntId::sgi(3);
const PPI: IntId = IntId::VIRTUAL_TIMER;

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority(SGI, 0x40);
    ctx.set_priority(PPI, 0x40);
    ctx.on_cpu(1, |ctx| {
        let (s, p) = (ctx.priority(SGI), ctx.priority(PPI));
        ctx.check_eq("cpu1-sgi-untouched", s.into(), DEFAULT_PRIORITY.into());
        ctx.check_eq("cpu1-ppi-untouched", p.into(), DEFAULT_PRIORITY.into());
        ctx.set_priority(SGI, 0x80);
        ctx.set_priority(PPI, 0x80);
    });
    let (s, p) = (ctx.priority(SGI), ctx.priority(PPI));
    ctx.check_eq("cpu0-sgi-kept", s.into(), 0x40);
    ctx.check_eq("cpu0-ppi-kept", p.into(), 0x40);
}
