//! `gic.v3-gicr-sgi-pending-active`: the redistributor's GICR_ISPENDR0 / GICR_ICPENDR0 and
//! GICR_ISACTIVER0 / GICR_ICACTIVER0 set and clear the pending and active state of a disabled
//! SGI, and both registers of each pair read it.
//!
//! Spec: IHI 0069H §12.10 (GICR_ISPENDR0, GICR_ICPENDR0, GICR_ISACTIVER0, GICR_ICACTIVER0:
//! write 1 to set / clear; on GICv3 SGIs have no per-source pending state, so ISPENDR0 can set
//! an SGI pending) and §4.1.2.
//!
//! Expected: SGI 5 (disabled) after ISPENDR0: bit 5 reads 1 in ISPENDR0 and ICPENDR0; after
//! ISACTIVER0: active too; after ICPENDR0: active only; after ICACTIVER0: idle; nothing is
//! acknowledged. Why: unlike GICv2 (where ISPENDR0 cannot touch SGIs), GICv3 lets software pend
//! SGIs here; a vGIC that keeps the GICv2 rule drops them.

use guest_kit::regs::gicr;
use guest_kit::{Case, Ctx, IntId, Needs, RdFrame, Site};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v3-gicr-sgi-pending-active",
    title: "GICR_IS/ICPENDR0 and GICR_IS/ICACTIVER0 set and clear a disabled SGI's state",
    spec: "IHI 0069H 12.10 (GICR_ISPENDR0, GICR_ISACTIVER0), 4.1.2",
    needs: Needs::GICV3,
    run,
};

const BIT: u32 = 1 << 5;
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn sgi(offset: u32) -> Site {
    Site::Gicr {
        cpu: 0,
        frame: RdFrame::Sgi,
        offset,
    }
}

fn state(ctx: &mut Ctx<'_>, label: &'static str, pending: u32, active: u32) {
    let regs = [
        (gicr::ISPENDR0, pending),
        (gicr::ICPENDR0, pending),
        (gicr::ISACTIVER0, active),
        (gicr::ICACTIVER0, active),
    ];
    for (bank, want) in regs {
        let got = ctx.read32(sgi(bank.base)) & BIT;
        ctx.check_eq(label, got.into(), want.into());
    }
}

fn run(ctx: &mut Ctx<'_>) {
    ctx.write32(sgi(gicr::ISPENDR0.base), BIT);
    state(ctx, "pending", BIT, 0);
    ctx.write32(sgi(gicr::ISACTIVER0.base), BIT);
    state(ctx, "active-and-pending", BIT, BIT);
    ctx.write32(sgi(gicr::ICPENDR0.base), BIT);
    state(ctx, "active-only", 0, BIT);
    ctx.write32(sgi(gicr::ICACTIVER0.base), BIT);
    state(ctx, "idle", 0, 0);
    let got = ctx.ack();
    ctx.check_eq("nothing-acknowledged", got.raw().into(), SPURIOUS);
}
