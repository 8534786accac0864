//! `x86.xapic-ipi-broadcast-physical`: a fixed IPI 0x5b to physical destination 0xff is taken
//! by CPU 0 and CPU 1.
//!
//! Spec: Intel SDM vol. 3 §11.6.2.1 (physical mode: destination 0xFF is a broadcast to all
//! local APICs, xAPIC).
//!
//! Expected: both windows take 0x5b. Why: the broadcast ID is a special case in physical-mode
//! routing.

use guest_kit::regs::lapic::{DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-ipi-broadcast-physical",
    title: "a physical IPI to destination 0xFF reaches every CPU, the sender too",
    spec: "Intel SDM vol. 3 11.6.2.1",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

const V: Vector = Vector::new(0x5b);

fn run(ctx: &mut Ctx<'_>) {
    util::send(
        ctx,
        Icr::xapic(DeliveryMode::Fixed, V.raw(), Shorthand::None, 0xff),
    );
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("cpu0-takes", own, 0x5b);
    let other = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("cpu1-takes", other, 0x5b);
}
