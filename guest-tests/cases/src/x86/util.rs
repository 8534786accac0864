//! Steps the x86 cases share: sending IPIs and waiting for the ICR to go idle, reading one
//! vector's bit of IRR/ISR/TMR, packing the vectors a window took into one checkable value,
//! and the IOAPIC and VT-d set-up several cases repeat. Set-up reads (APIC IDs) are untraced;
//! everything a case judges is traced.

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::regs::{ioapic, vtd};
use guest_kit::{Ctx, Site, Taken, Vector, Width};

/// Polls of the ICR's delivery status after sending.
const SEND_POLLS: u32 = 1_000;
/// Polls of GSTS after a GCMD write, and of IQH after a queue tail write.
const VTD_POLLS: u32 = 10_000;

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

/// Takes one window here and EOIs (xAPIC) everything it took; returns it packed.
pub fn take_and_eoi(ctx: &mut Ctx<'_>) -> u64 {
    let taken = ctx.take_interrupts();
    for _ in taken.as_slice() {
        ctx.lapic_eoi();
    }
    packed(&taken)
}

/// Writes redirection entry `pin` (high half first, so an unmasked low half never routes to
/// a stale destination).
pub fn set_rte(ctx: &mut Ctx<'_>, pin: u8, rte: ioapic::Redirection) {
    ctx.ioapic_write(ioapic::redirection_low(pin) + 1, rte.high());
    ctx.ioapic_write(ioapic::redirection_low(pin), rte.low());
}

/// The low half of redirection entry `pin`, read traced.
pub fn rte_low(ctx: &mut Ctx<'_>, pin: u8) -> u32 {
    ctx.ioapic_read(ioapic::redirection_low(pin))
}

/// Writes `command` to GCMD on top of the persistent commands GSTS reports (VT-d §10.4.4) and
/// waits (untraced, bounded) for GSTS to report every bit of `expect`; then reads GSTS traced.
pub fn gcmd(ctx: &mut Ctx<'_>, command: vtd::Global, expect: vtd::Global) -> vtd::Global {
    let status = ctx
        .raw()
        .read(Site::Dmar(vtd::GSTS), Width::B32)
        .unwrap_or(0);
    let keep = vtd::Global::from_bits_truncate(status as u32) - vtd::Global::ONE_SHOT;
    ctx.write32(Site::Dmar(vtd::GCMD), (keep | command).bits());
    for _ in 0..VTD_POLLS {
        let now = ctx
            .raw()
            .read(Site::Dmar(vtd::GSTS), Width::B32)
            .unwrap_or(0);
        if vtd::Global::from_bits_truncate(now as u32).contains(expect) {
            break;
        }
        ctx.delay();
    }
    vtd::Global::from_bits_truncate(ctx.read32(Site::Dmar(vtd::GSTS)))
}

/// Turns every GCMD command off (interrupt remapping, queued invalidation, compatibility
/// format). With queued invalidation on it first drains the queue with a wait descriptor, as
/// VT-d §6.5.2 asks before QIE is cleared. The kit's reset clears GCMD too; this leaves it in
/// the trace.
pub fn vtd_off(ctx: &mut Ctx<'_>) {
    let status = ctx
        .raw()
        .read(Site::Dmar(vtd::GSTS), Width::B32)
        .unwrap_or(0);
    if vtd::Global::from_bits_truncate(status as u32).contains(vtd::Global::QIE) {
        drain_queue(ctx);
    }
    ctx.write32(Site::Dmar(vtd::GCMD), 0);
}

/// Submits one wait descriptor at the queue IQA names and waits for it: every earlier
/// descriptor has then completed and the queue is empty (VT-d §6.5.2.8).
pub fn drain_queue(ctx: &mut Ctx<'_>) -> u64 {
    let iqa = ctx
        .raw()
        .read(Site::Dmar(vtd::IQA), Width::B64)
        .unwrap_or(0);
    let status = ctx.alloc(8, 8);
    submit(ctx, iqa & !0xfff, &[vtd::Descriptor::wait(status, 1)])
}

/// An interrupt remapping table of 16 entries (IRTA.S = 3) in scratch memory holding `entries`
/// from index 0, latched with SIRTP; returns its address (0 when scratch ran out).
pub fn install_irt(ctx: &mut Ctx<'_>, entries: &[vtd::Irte]) -> u64 {
    let table = ctx.alloc(0x1000, 0x1000);
    for (i, e) in entries.iter().enumerate() {
        ctx.mem_write(table + 16 * i as u64, &e.to_bytes());
    }
    ctx.write(Site::Dmar(vtd::IRTA), Width::B64, vtd::irta(table, 3));
    gcmd(ctx, vtd::Global::SIRTP, vtd::Global::empty());
    table
}

/// Remapping on, compatibility format blocked: queued invalidation enabled over a fresh queue,
/// a global interrupt entry cache invalidation (VT-d §10.4.4: software follows SIRTP with one
/// before enabling remapping, so no entry of an earlier table stays cached), then IRE. Returns
/// the queue's address.
pub fn remapping_on(ctx: &mut Ctx<'_>) -> u64 {
    let queue = queue_on(ctx);
    let status = ctx.alloc(8, 8);
    submit(
        ctx,
        queue,
        &[
            vtd::Descriptor::iec_global(),
            vtd::Descriptor::wait(status, 1),
        ],
    );
    gcmd(ctx, vtd::Global::IRE, vtd::Global::IRE);
    queue
}

/// Queued invalidation on over a fresh one-page queue in scratch (IQT = 0); returns its address.
pub fn queue_on(ctx: &mut Ctx<'_>) -> u64 {
    let queue = ctx.alloc(0x1000, 0x1000);
    ctx.write(Site::Dmar(vtd::IQT), Width::B64, 0);
    ctx.write(Site::Dmar(vtd::IQA), Width::B64, vtd::iqa(queue));
    gcmd(ctx, vtd::Global::QIE, vtd::Global::QIE);
    queue
}

/// Queues `descriptors` from the current tail, moves IQT past them and waits (untraced,
/// bounded) for IQH to reach it or an invalidation queue error; returns IQH, read traced.
pub fn submit(ctx: &mut Ctx<'_>, queue: u64, descriptors: &[vtd::Descriptor]) -> u64 {
    let tail = ctx
        .raw()
        .read(Site::Dmar(vtd::IQT), Width::B64)
        .unwrap_or(0)
        >> 4;
    for (i, d) in descriptors.iter().enumerate() {
        let slot = (tail + i as u64) % 256;
        ctx.mem_write(queue + 16 * slot, &d.to_bytes());
    }
    let end = vtd::queue_offset((tail + descriptors.len() as u64) % 256);
    ctx.write(Site::Dmar(vtd::IQT), Width::B64, end);
    for _ in 0..VTD_POLLS {
        let head = ctx
            .raw()
            .read(Site::Dmar(vtd::IQH), Width::B64)
            .unwrap_or(0);
        let fsts = ctx
            .raw()
            .read(Site::Dmar(vtd::FSTS), Width::B32)
            .unwrap_or(0);
        if head == end || fsts as u32 & vtd::Fsts::IQE.bits() != 0 {
            break;
        }
        ctx.delay();
    }
    ctx.read(Site::Dmar(vtd::IQH), Width::B64)
}

/// The upper half of the fault recording register FSTS.FRI names (the first pending fault),
/// read traced after FSTS (VT-d §10.4.9, §10.4.14); the records' offset comes from CAP.FRO,
/// read untraced.
pub fn first_fault_record(ctx: &mut Ctx<'_>) -> vtd::FaultRecordHigh {
    let cap = ctx
        .raw()
        .read(Site::Dmar(vtd::CAP), Width::B64)
        .unwrap_or(0);
    let fri = vtd::fault_record_index(ctx.read32(Site::Dmar(vtd::FSTS)));
    let hi = Site::Dmar(vtd::fault_record_offset(cap) + 16 * fri + 8);
    vtd::FaultRecordHigh(ctx.read(hi, Width::B64))
}

/// The PCI requester the cases' MSIs come from ([`guest_kit::inject::X86_MSI_REQUESTER`]).
pub const SOURCE_ID: u16 = guest_kit::inject::X86_MSI_REQUESTER;
/// The IOAPIC pin the line cases drive ([`guest_kit::inject::X86_LINE_GSI`]).
pub const LINE_PIN: u8 = guest_kit::inject::X86_LINE_GSI as u8;

/// Polls of a timer's pending bit or count.
const TIMER_POLLS: u32 = 200_000;

/// Waits (untraced, bounded) until `vector` is pending in this CPU's IRR (xAPIC), letting time
/// pass between polls: how timer cases let the count run out before opening a window.
pub fn wait_pending(ctx: &mut Ctx<'_>, vector: Vector) {
    let site = Site::Lapic(lapic::array_reg(lapic::IRR, vector));
    for _ in 0..TIMER_POLLS {
        let word = ctx.raw().read(site, Width::B32).unwrap_or(0);
        if word >> vector.bank_bit().1 & 1 == 1 {
            return;
        }
        ctx.delay();
    }
}

/// Waits (untraced, bounded) until the timer's current count is 0; returns whether it got there.
pub fn wait_count_zero(ctx: &mut Ctx<'_>) -> bool {
    let site = Site::Lapic(lapic::TIMER_CURRENT);
    for _ in 0..TIMER_POLLS {
        if ctx.raw().read(site, Width::B32).unwrap_or(1) == 0 {
            return true;
        }
        ctx.delay();
    }
    false
}

/// Puts the LVT timer in TSC-deadline mode with `vector` when the target has it
/// (CPUID.01H:ECX\[24\], [`guest_kit::X86Info::tsc_deadline`]) and checks that the mode reads
/// back; without it, marks the case skipped and returns `false`.
pub fn tsc_deadline_mode(ctx: &mut Ctx<'_>, vector: Vector) -> bool {
    if !ctx.info().x86.tsc_deadline {
        ctx.skip("no TSC-deadline timer mode (CPUID.01H:ECX[24] = 0)");
        return false;
    }
    ctx.lapic_write(lapic::LVT_TIMER, lapic::TimerMode::TscDeadline.lvt(vector));
    let lvt = ctx.lapic_read(lapic::LVT_TIMER);
    let mode = lapic::TimerMode::field(lvt);
    ctx.check_eq(
        "tsc-deadline-mode-set",
        mode.into(),
        lapic::TimerMode::TscDeadline as u64,
    )
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

/// [`wait_pending`] in x2APIC mode.
pub fn x2_wait_pending(ctx: &mut Ctx<'_>, vector: Vector) {
    let site = Site::Msr(lapic::x2apic_msr(lapic::array_reg(lapic::IRR, vector)));
    for _ in 0..TIMER_POLLS {
        let word = ctx.raw().read(site, Width::B64).unwrap_or(0);
        if word >> vector.bank_bit().1 & 1 == 1 {
            return;
        }
        ctx.delay();
    }
}

/// Asks the host to raise, then lower, the line of IOAPIC `pin` (an edge). Returns `false`,
/// with the case marked skipped, when the host cannot drive lines.
pub fn pulse(ctx: &mut Ctx<'_>, pin: u8) -> bool {
    use guest_kit::inject::Inject;
    if !ctx.inject(Inject::Line {
        intid: pin.into(),
        high: true,
    }) {
        return false;
    }
    ctx.inject(Inject::Line {
        intid: pin.into(),
        high: false,
    })
}

/// Whether the IOAPIC has the EOI register (version 0x20 and later), read traced; marks the
/// case skipped when not.
pub fn ioapic_has_eoi_register(ctx: &mut Ctx<'_>) -> bool {
    let version = ioapic::Version(ctx.ioapic_read(ioapic::REG_VERSION));
    let has = version.version() >= 0x20;
    if !has {
        ctx.skip("the IOAPIC has no EOI register (version below 0x20)");
    }
    has
}

/// Sends the x86 MSI (`address`, `data`) as requester [`SOURCE_ID`] through the host. Returns
/// `false`, with the case marked skipped, when the host cannot.
pub fn msi(ctx: &mut Ctx<'_>, address: u32, data: u32) -> bool {
    ctx.inject(guest_kit::inject::Inject::X86Msi {
        address,
        data,
        source_id: SOURCE_ID,
    })
}

/// Whether the first VT-d unit offers queued invalidation and interrupt remapping (ECAP.QI,
/// ECAP.IR, read traced); marks the case skipped when not.
pub fn remapping_capable(ctx: &mut Ctx<'_>) -> bool {
    let ecap = ctx.read(Site::Dmar(vtd::ECAP), Width::B64);
    let has = ecap & vtd::ECAP_QI != 0 && ecap & vtd::ECAP_IR != 0;
    if !has {
        ctx.skip(
            "the VT-d unit lacks interrupt remapping or queued invalidation (ECAP.IR/QI); \
             use -device intel-iommu,intremap=on",
        );
    }
    has
}

/// Whether the first VT-d unit supports posted interrupts (CAP.PI, read traced); marks the
/// case skipped when not.
pub fn posting_capable(ctx: &mut Ctx<'_>) -> bool {
    let cap = ctx.read(Site::Dmar(vtd::CAP), Width::B64);
    let has = cap & vtd::CAP_PI != 0;
    if !has {
        ctx.skip(
            "the VT-d unit does not post interrupts (CAP.PI = 0): runs against the reference \
             model and vIOMMUs that expose posting",
        );
    }
    has
}

/// Reads the 64-byte posted-interrupt descriptor at `gpa` (untraced memory; its bits are
/// judged by the case's checks).
pub fn read_descriptor(ctx: &mut Ctx<'_>, gpa: u64) -> vtd::PostedDescriptor {
    let mut d = vtd::PostedDescriptor([0; 64]);
    let _ = ctx.raw().mem_read(gpa, &mut d.0);
    d
}

/// The remapping table with `entries` installed, queued invalidation and remapping on
/// (compatibility format blocked). Returns the queue's address, or `None` (case skipped) when
/// the unit cannot remap.
pub fn remap_with(ctx: &mut Ctx<'_>, entries: &[vtd::Irte]) -> Option<u64> {
    if !remapping_capable(ctx) {
        return None;
    }
    install_irt(ctx, entries);
    Some(remapping_on(ctx))
}

/// Clears `commands` from GCMD (keeping the other persistent ones GSTS reports) and waits
/// (untraced, bounded) for GSTS to drop them; then reads GSTS traced.
pub fn gcmd_clear(ctx: &mut Ctx<'_>, commands: vtd::Global) -> vtd::Global {
    let status = ctx
        .raw()
        .read(Site::Dmar(vtd::GSTS), Width::B32)
        .unwrap_or(0);
    let keep = vtd::Global::from_bits_truncate(status as u32) - vtd::Global::ONE_SHOT - commands;
    ctx.write32(Site::Dmar(vtd::GCMD), keep.bits());
    for _ in 0..VTD_POLLS {
        let now = ctx
            .raw()
            .read(Site::Dmar(vtd::GSTS), Width::B32)
            .unwrap_or(0);
        if !vtd::Global::from_bits_truncate(now as u32).intersects(commands) {
            break;
        }
        ctx.delay();
    }
    vtd::Global::from_bits_truncate(ctx.read32(Site::Dmar(vtd::GSTS)))
}

/// Posting set up: `desc` written to a 64-byte descriptor in scratch, one posted-format IRTE
/// per vector of `vectors` (index i posts `vectors[i]` to it), remapping on. Returns the
/// descriptor's address, or `None` (case skipped) without remapping or posting.
pub fn posted_setup(
    ctx: &mut Ctx<'_>,
    desc: vtd::PostedDescriptor,
    vectors: &[Vector],
) -> Option<u64> {
    if !posting_capable(ctx) {
        return None;
    }
    let pd = ctx.alloc(64, 64);
    ctx.mem_write(pd, &desc.0);
    let mut entries = [vtd::Irte { lo: 0, hi: 0 }; 4];
    for (e, v) in entries.iter_mut().zip(vectors) {
        *e = vtd::Irte::posted(v.raw(), pd);
    }
    remap_with(ctx, &entries[..vectors.len().min(4)])?;
    Some(pd)
}

/// [`posted_setup`] with one urgent (URG = 1) IRTE posting `vector`.
pub fn posted_urgent_setup(
    ctx: &mut Ctx<'_>,
    desc: vtd::PostedDescriptor,
    vector: Vector,
) -> Option<u64> {
    if !posting_capable(ctx) {
        return None;
    }
    let pd = ctx.alloc(64, 64);
    ctx.mem_write(pd, &desc.0);
    remap_with(ctx, &[vtd::Irte::posted(vector.raw(), pd).urgent()])?;
    Some(pd)
}
