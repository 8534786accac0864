//! `x86.xapic-ipi-logical-flat`: with LDR 0x01 on CPU 0 and 0x02 on CPU 1 (flat model), a fixed
//! IPI 0x56 to logical destination 0x02 is taken by CPU 1 only.
//!
//! Spec: Intel SDM vol. 3 §11.6.2.2 (logical destination mode, flat model: the destination is a
//! bitmap matched against LDR bits 31:24).
//!
//! Expected: CPU 0's window empty; CPU 1's takes 0x56. Why: Linux uses logical flat mode on
//! small machines; matching against the wrong CPU's LDR misroutes every IPI.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-ipi-logical-flat",
    title: "a logical flat-model IPI reaches the CPU whose LDR bit matches",
    spec: "Intel SDM vol. 3 11.6.2.2",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x56);

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::LDR, lapic::ldr(0x01));
    ctx.on_cpu(1, |c| c.lapic_write(lapic::LDR, lapic::ldr(0x02)));
    util::send(ctx, Icr::xapic_logical(DeliveryMode::Fixed, V.raw(), 0x02));
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("not-cpu0", own, 0);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("cpu1-takes", other, 0x56);
}
