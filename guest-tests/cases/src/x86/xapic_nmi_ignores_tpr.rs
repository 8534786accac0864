//! `x86.xapic-nmi-ignores-tpr`: with CPU 1's TPR at 0xF0, which holds back every fixed vector
//! (SDM: vectors of class 15 and below), an NMI IPI still reaches CPU 1; a fixed IPI 0x63 sent
//! beside it stays pending until the TPR drops.
//!
//! Spec: Intel SDM vol. 3 §11.8.3.1 (the processor priority gates fixed and lowest-priority
//! interrupts only), §11.6.1 (NMI delivery), §6.7.
//!
//! Expected: CPU 1's window takes 2 only; IRR bit 0x63 set; after TPR 0 the next window takes
//! 0x63. Why: NMIs must pass whatever priority the guest runs at (a hung kernel at raised
//! TPR is exactly when an NMI watchdog fires); a hypervisor that queues NMIs with fixed vectors
//! behind the TPR breaks that.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs, Vector};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-nmi-ignores-tpr",
    title: "an NMI passes a TPR that holds back a fixed vector",
    spec: "Intel SDM vol. 3 11.8.3.1, 11.6.1, 6.7",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run,
};

const FIXED: Vector = Vector::new(0x63);

fn run(ctx: &mut Ctx<'_>) {
    ctx.on_cpu(1, |c| c.lapic_write(lapic::TPR, 0xf0));
    let dest = util::apic_id(ctx, 1);
    util::send(
        ctx,
        Icr::xapic(DeliveryMode::Fixed, FIXED.raw(), Shorthand::None, dest),
    );
    util::send(ctx, Icr::xapic(DeliveryMode::Nmi, 0, Shorthand::None, dest));
    let taken = util::take_on(ctx, 1);
    ctx.check_eq("nmi-passes-tpr", taken, Vector::NMI.raw().into());
    let mut pending = 0;
    ctx.on_cpu(1, |c| pending = util::bit(c, lapic::IRR, FIXED));
    ctx.check_eq("fixed-held-back", pending, 1);
    ctx.on_cpu(1, |c| c.lapic_write(lapic::TPR, 0));
    let released = util::take_and_eoi_on(ctx, 1);
    ctx.check_eq("fixed-after-tpr-drops", released, FIXED.raw().into());
}
