//! `x86.xapic-ppr-follows-isr`: with 0x51 in service PPR reads 0x50 for TPR 0 and TPR 0x32,
//! 0x5a for TPR 0x5a and 0x62 for TPR 0x62; after the EOI and TPR 0 it reads 0.
//!
//! Spec: Intel SDM vol. 3 §11.8.3.1 (PPR[7:4] = max class of TPR and ISRV; PPR[3:0] = TPR[3:0]
//! when TPR wins, else 0).
//!
//! Expected: PPR 0x50, 0x50, 0x5a, 0x62, then 0. Why: the tie rule (equal class: TPR's low
//! nibble kept) and the in-service term are where virtual PPR computations differ.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-ppr-follows-isr",
    title: "PPR is the higher of TPR and the in-service class",
    spec: "Intel SDM vol. 3 11.8.3.1",
    needs: Needs::X86,
    run,
};

const V: Vector = Vector::new(0x51);

fn run(ctx: &mut Ctx<'_>) {
    util::self_ipi(ctx, V);
    let taken = ctx.take_interrupts();
    ctx.check_eq("taken", util::packed(&taken), 0x51);
    let ppr = ctx.lapic_read(lapic::PPR);
    ctx.check_eq("ppr-isr-class", ppr.into(), 0x50);
    for (tpr, want, label) in [
        (0x32, 0x50, "ppr-isr-above-tpr"),
        (0x5a, 0x5a, "ppr-tpr-same-class-keeps-low-nibble"),
        (0x62, 0x62, "ppr-tpr-above-isr"),
    ] {
        ctx.lapic_write(lapic::TPR, tpr);
        let ppr = ctx.lapic_read(lapic::PPR);
        ctx.check_eq(label, ppr.into(), want);
    }
    ctx.lapic_eoi();
    ctx.lapic_write(lapic::TPR, 0);
    let ppr = ctx.lapic_read(lapic::PPR);
    ctx.check_eq("ppr-idle", ppr.into(), 0);
}
