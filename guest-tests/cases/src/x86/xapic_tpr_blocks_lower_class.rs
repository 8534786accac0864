//! `x86.xapic-tpr-blocks-lower-class`: with TPR = 0x50, of two pending self-IPIs 0x61 and 0x45
//! only 0x61 (class 6 > 5) is taken; 0x45 (class 4) stays pending in IRR through the EOI of
//! 0x61 and is taken once TPR is lowered to 0.
//!
//! Spec: Intel SDM vol. 3 §11.8.3.1 (PPR = max(TPR, highest ISR vector) by class; a vector is
//! dispatched only if its class is above PPR's), §11.8.4 (IRR → ISR), §11.6.1 (ICR, the Self
//! shorthand), §11.8.5 (EOI).
//!
//! Expected: window 1 takes exactly 0x61; after its EOI window 2 takes nothing and IRR bit 0x45
//! is set; after TPR = 0 window 3 takes 0x45. Why: TPR masking by priority class is what guest
//! kernels rely on to hold off device interrupts, and hypervisors with virtual-interrupt delivery
//! (TPR shadow, APICv) re-evaluate PPR in several places that can disagree.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{Case, Ctx, Needs, Site, Vector, Width};

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-tpr-blocks-lower-class",
    title: "TPR holds back vectors of its class and below; a higher class is taken",
    spec: "Intel SDM vol. 3 11.8.3.1, 11.8.4, 11.6.1",
    needs: Needs::X86,
    run,
};

const LOW: Vector = Vector::new(0x45);
const HIGH: Vector = Vector::new(0x61);
/// Polls of the ICR's delivery status after sending.
const SEND_POLLS: u32 = 1_000;

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::TPR, 0x50);
    send_self(ctx, LOW);
    send_self(ctx, HIGH);
    let taken = ctx.take_interrupts();
    ctx.check_eq(
        "taken-count-with-tpr-0x50",
        taken.as_slice().len() as u64,
        1,
    );
    let first = taken.first().map_or(0, |v| v.raw().into());
    ctx.check_eq("higher-class-taken", first, HIGH.raw().into());
    ctx.lapic_eoi();
    let held = ctx.take_interrupts();
    ctx.check("lower-class-held-by-tpr", held.is_empty());
    let irr = ctx.lapic_read(lapic::array_reg(lapic::IRR, LOW));
    ctx.check_eq(
        "lower-class-pending",
        (irr >> LOW.bank_bit().1 & 1).into(),
        1,
    );
    ctx.lapic_write(lapic::TPR, 0);
    let released = ctx.take_interrupts();
    let first = released.first().map_or(0, |v| v.raw().into());
    ctx.check_eq("taken-after-tpr-lowered", first, LOW.raw().into());
    ctx.lapic_eoi();
}

/// A fixed self-IPI of `vector` through ICR_LOW (xAPIC), then waits (untraced, bounded) for
/// the delivery status to clear.
fn send_self(ctx: &mut Ctx<'_>, vector: Vector) {
    let icr = Icr::xapic(DeliveryMode::Fixed, vector.raw(), Shorthand::SelfOnly, 0);
    ctx.lapic_write(lapic::ICR_LOW, icr.low());
    for _ in 0..SEND_POLLS {
        let low = ctx.raw().read(Site::Lapic(lapic::ICR_LOW), Width::B32);
        if low.map_or(true, |v| v as u32 & Icr::SEND_PENDING == 0) {
            break;
        }
        ctx.delay();
    }
}
