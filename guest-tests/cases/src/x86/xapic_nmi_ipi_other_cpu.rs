//! `x86.xapic-nmi-ipi-other-cpu`: an NMI IPI from CPU 0 to CPU 1's APIC ID, vector field 0x47,
//! reaches CPU 1 as the NMI (vector 2) and leaves vector 0x47 out of its IRR; CPU 0 takes
//! nothing.
//!
//! Spec: Intel SDM vol. 3 §11.6.1 (ICR delivery mode 100, NMI: "the vector information is
//! ignored"), §6.7 and §6.8.1 (the NMI is interrupt 2 and RFLAGS.IF does not mask it).
//!
//! Expected: CPU 0's window `novec`; CPU 1's window takes 2 (it arrived while CPU 1 had
//! interrupts disabled: the guest reports it in the next window); IRR bit 0x47 of CPU 1 clear.
//! Why: a hypervisor that routes an NMI IPI like a fixed one delivers the vector field instead,
//! and one that holds it back for RFLAGS.IF delays watchdogs and crash IPIs.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-nmi-ipi-other-cpu",
    title: "an NMI IPI reaches the other CPU as vector 2 whatever its vector field",
    spec: "Intel SDM vol. 3 11.6.1, 6.7, 6.8.1",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

/// What the ICR's vector field says; an NMI ignores it.
const IGNORED: Vector = Vector::new(0x47);

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 1);
    util::send(
        ctx,
        Icr::xapic(DeliveryMode::Nmi, IGNORED.raw(), Shorthand::None, dest),
    );
    let own = util::take_and_eoi(ctx);
    ctx.check_eq("not-taken-by-sender", own, 0);
    let taken = util::take_on(ctx, 1);
    ctx.check_eq("cpu1-takes-nmi", taken, Vector::NMI.raw().into());
    let mut pending = 0;
    ctx.on_cpu(1, |c| pending = util::bit(c, lapic::IRR, IGNORED));
    ctx.check_eq("vector-field-not-pending", pending, 0);
}
