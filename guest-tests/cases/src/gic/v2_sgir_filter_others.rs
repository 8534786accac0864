//! `gic.v2-sgir-filter-others`: an SGI sent with GICD_SGIR TargetListFilter = 0b01 ("all but
//! the requesting CPU") does not reach the requesting CPU.
//!
//! Spec: IHI 0048B §4.3.15 (GICD_SGIR: TargetListFilter 0b01 forwards the interrupt to all CPU
//! interfaces except that of the requesting processor; CPUTargetList is ignored).
//!
//! Expected: with CPU 0's bit in CPUTargetList (to be ignored) and the SGI enabled, GICD_ISPENDR0
//! shows it not pending at CPU 0, GICD_SPENDSGIR reads 0 and the acknowledge returns 1023; where
//! there is a CPU 1, it acknowledges the SGI with CPUID 0 (the sender). Why: Linux uses the
//! filter for broadcast IPIs; a vGIC that applies CPUTargetList anyway (or treats 0b01 as
//! "everyone") interrupts the sender with its own broadcast, or loses it.

use guest_kit::regs::gicd::{self, Sgir};
use guest_kit::{Case, Ctx, IntId, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v2-sgir-filter-others",
    title: "GICD_SGIR TargetListFilter 0b01 does not deliver to the sender",
    spec: "IHI 0048B 4.3.15",
    needs: Needs::GICV2,
    run,
};

const SGI: IntId = IntId::sgi(8);
/// GICD_SPENDSGIR2, byte 0: SGI 8.
const SPEND: Site = Site::Gicd(0xf20 + 8);
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable(SGI);
    if ctx.info().cpus > 1 {
        ctx.on_cpu(1, |ctx| ctx.enable(SGI));
    }
    let value = Sgir::to_all_but_self(SGI.raw()).0 | 0x01 << 16;
    ctx.write32(Site::Gicd(gicd::SGIR), value);
    for _ in 0..16 {
        ctx.delay();
    }
    let pending = ctx.is_pending(SGI);
    ctx.check("not-pending-at-sender", !pending);
    let sources = ctx.read(SPEND, Width::B8);
    ctx.check_eq("no-source-at-sender", sources, 0);
    let got = ctx.ack();
    ctx.check_eq("nothing-acknowledged", got.raw().into(), SPURIOUS);
    if ctx.info().cpus > 1 {
        ctx.on_cpu(1, |ctx| {
            let iar = ctx.ack_when_pending_raw();
            ctx.check_eq("other-cpu-acks", (iar & 0x3ff).into(), SGI.raw().into());
            ctx.check_eq("other-cpu-sees-sender", ((iar >> 10) & 0x7).into(), 0);
            ctx.eoi(SGI);
        });
    }
}
