//! Local APIC steps: sending IPIs and waiting for the ICR to go idle, one vector's bit of
//! IRR/ISR/TMR, APIC IDs (read untraced: set-up), windows that EOI what they took, packing
//! the vectors a window took into one checkable value, and MSR accesses whose fault is the
//! subject.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{Ctx, Site, Taken, Vector, Width};

/// Polls of the ICR's delivery status after sending.
const SEND_POLLS: u32 = 1_000;

/// The vectors `taken`, packed first-taken-most-significant (`[0x61, 0x45]` is 0x6145; at most
/// the first eight), so one `check_eq` judges count and order.
pub fn packed(taken: &Taken) -> u64 {
    taken
        .as_slice()
        .iter()
        .take(8)
        .fold(0, |acc, v| acc << 8 | u64::from(v.raw()))
}

/// Sends `icr` in xAPIC mode (ICR_HIGH, then ICR_LOW) and waits, untraced and bounded, for the
/// delivery status to clear.
pub fn send(ctx: &mut Ctx<'_>, icr: Icr) {
    ctx.lapic_write(lapic::ICR_HIGH, icr.high());
    ctx.lapic_write(lapic::ICR_LOW, icr.low());
    for _ in 0..SEND_POLLS {
        let low = ctx.raw().read(Site::Lapic(lapic::ICR_LOW), Width::B32);
        if low.map_or(true, |v| v as u32 & Icr::SEND_PENDING == 0) {
            break;
        }
        ctx.delay();
    }
}

/// A fixed self-IPI of `vector` through the ICR's Self shorthand (xAPIC mode).
pub fn self_ipi(ctx: &mut Ctx<'_>, vector: Vector) {
    let icr = Icr::xapic(DeliveryMode::Fixed, vector.raw(), Shorthand::SelfOnly, 0);
    send(ctx, icr);
}

/// A fixed IPI of `vector` with destination shorthand `shorthand` (xAPIC mode).
pub fn shorthand_ipi(ctx: &mut Ctx<'_>, vector: Vector, shorthand: Shorthand) {
    send(
        ctx,
        Icr::xapic(DeliveryMode::Fixed, vector.raw(), shorthand, 0),
    );
}

/// `vector`'s bit in the xAPIC register array at `base` (IRR, ISR, TMR), read traced.
pub fn bit(ctx: &mut Ctx<'_>, base: u32, vector: Vector) -> u64 {
    let word = ctx.lapic_read(lapic::array_reg(base, vector));
    u64::from(word >> vector.bank_bit().1 & 1)
}

/// `vector`'s bit in the x2APIC register array at xAPIC offset `base`, read traced by RDMSR.
pub fn x2_bit(ctx: &mut Ctx<'_>, base: u32, vector: Vector) -> u64 {
    let word = ctx.rdmsr(lapic::x2apic_msr(lapic::array_reg(base, vector)));
    word >> vector.bank_bit().1 & 1
}

/// The xAPIC ID (bits 31:24 of the ID register) of CPU `cpu`, read untraced (set-up: the IDs
/// are the platform's choice).
pub fn apic_id(ctx: &mut Ctx<'_>, cpu: u8) -> u8 {
    let mut id = 0;
    ctx.on_cpu(cpu, |c| {
        let raw = c.raw().read(Site::Lapic(lapic::ID), Width::B32);
        id = (raw.unwrap_or(0) >> 24) as u8;
    });
    id
}

/// The x2APIC ID (MSR 0x802) of CPU `cpu`, which must be in x2APIC mode, read untraced.
pub fn x2apic_id(ctx: &mut Ctx<'_>, cpu: u8) -> u32 {
    let mut id = 0;
    ctx.on_cpu(cpu, |c| {
        let msr = Site::Msr(lapic::x2apic_msr(lapic::ID));
        id = c.raw().read(msr, Width::B64).unwrap_or(0) as u32;
    });
    id
}

/// Takes one window on CPU `cpu` and EOIs (xAPIC) everything it took; returns what it took
/// packed ([`packed`]).
pub fn take_and_eoi_on(ctx: &mut Ctx<'_>, cpu: u8) -> u64 {
    let mut got = 0;
    ctx.on_cpu(cpu, |c| {
        let taken = c.take_interrupts();
        for _ in taken.as_slice() {
            c.lapic_eoi();
        }
        got = packed(&taken);
    });
    got
}

/// Takes one window on CPU `cpu` without EOIs (an NMI sets no ISR bit: SDM vol. 3 §6.7);
/// returns what it took, packed.
pub fn take_on(ctx: &mut Ctx<'_>, cpu: u8) -> u64 {
    let mut got = 0;
    ctx.on_cpu(cpu, |c| got = packed(&c.take_interrupts()));
    got
}

/// Takes one window here and EOIs (xAPIC) everything it took; returns it packed.
pub fn take_and_eoi(ctx: &mut Ctx<'_>) -> u64 {
    let taken = ctx.take_interrupts();
    for _ in taken.as_slice() {
        ctx.lapic_eoi();
    }
    packed(&taken)
}

/// RDMSR `msr` (traced) and whether it raised #GP.
pub fn rdmsr_faults(ctx: &mut Ctx<'_>, msr: u32) -> bool {
    let got = ctx.try_read(Site::Msr(msr), Width::B64);
    matches!(got, Err(guest_kit::Fault::X86 { vector, .. }) if vector == Vector::GENERAL_PROTECTION)
}

/// WRMSR `msr` = `value` (traced) and whether it raised #GP.
pub fn wrmsr_faults(ctx: &mut Ctx<'_>, msr: u32, value: u64) -> bool {
    let got = ctx.try_write(Site::Msr(msr), Width::B64, value);
    matches!(got, Err(guest_kit::Fault::X86 { vector, .. }) if vector == Vector::GENERAL_PROTECTION)
}

/// Takes one window here and EOIs (x2APIC) everything it took; returns it packed.
pub fn x2_take_and_eoi(ctx: &mut Ctx<'_>) -> u64 {
    let taken = ctx.take_interrupts();
    for _ in taken.as_slice() {
        ctx.x2apic_eoi();
    }
    packed(&taken)
}
