//! `x86.xapic-esr-send-illegal-vector`: after a self-IPI with vector 3, an ESR write then read
//! shows bit 5; the other bits are recorded (bit 6 may also be set for a self-IPI).
//!
//! Spec: Intel SDM vol. 3 §11.5.3 (ESR bit 5 Send Illegal Vector: an illegal vector, 0-15, in a
//! message the APIC sends; the ESR is written before it is read).
//!
//! Expected: ESR value with bit 5 set (recorded). Why: ESR is the only report of a malformed
//! IPI; hypervisors often drop the IPI silently.

use guest_kit::regs::lapic::{self, esr};
use guest_kit::{Allowed, Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-esr-send-illegal-vector",
    title: "a fixed IPI with vector 3 sets ESR Send Illegal Vector",
    spec: "Intel SDM vol. 3 11.5.3",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::ESR, 0);
    util::self_ipi(ctx, Vector::new(3));
    ctx.lapic_write(lapic::ESR, 0);
    let value = ctx.lapic_read(lapic::ESR);
    let send = u64::from(esr::SEND_ILLEGAL_VECTOR);
    let allowed = Allowed::Fixed {
        mask: send,
        value: send,
    };
    ctx.impl_defined("esr-after-illegal-send", value.into(), allowed);
    let taken = ctx.take_interrupts();
    ctx.check("illegal-vector-not-delivered", taken.is_empty());
    ctx.lapic_write(lapic::ESR, 0);
}
