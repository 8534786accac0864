//! VT-d steps: the GCMD/GSTS handshake, the interrupt remapping table, queued invalidation,
//! fault records, and MSIs from the cases' requester ([`SOURCE_ID`]).

use guest_kit::regs::vtd;
use guest_kit::{Allowed, Ctx, Site, Width};

/// Polls of GSTS after a GCMD write, and of IQH after a queue tail write.
const VTD_POLLS: u32 = 10_000;

/// The PCI requester the cases' MSIs come from ([`guest_kit::inject::X86_MSI_REQUESTER`]).
pub const SOURCE_ID: u16 = guest_kit::inject::X86_MSI_REQUESTER;

/// Sends the x86 MSI (`address`, `data`) as requester [`SOURCE_ID`] through the host. Returns
/// `false`, with the case marked skipped, when the host cannot.
pub fn msi(ctx: &mut Ctx<'_>, address: u32, data: u32) -> bool {
    ctx.inject(guest_kit::inject::Inject::X86Msi {
        address,
        data,
        source_id: SOURCE_ID,
    })
}

/// Writes `command` to GCMD on top of the persistent commands GSTS reports (VT-d §10.4.4) and
/// waits (untraced, bounded) for GSTS to report every bit of `expect`; then checks (traced, as
/// `gsts-commands`) that GSTS's persistent status bits (TES, QIES, IRES, CFIS) are exactly the
/// commands written. Returns GSTS as last read.
///
/// Only the persistent bits are judged: the pointer statuses (IRTPS, RTPS) are set by the
/// one-shot SIRTP/SRTP and nothing clears them (§10.4.5), so on a target that ran earlier
/// cases they hold history a fresh model does not have.
pub fn gcmd(ctx: &mut Ctx<'_>, command: vtd::Global, expect: vtd::Global) -> vtd::Global {
    let keep = persistent(gsts(ctx));
    ctx.write32(Site::Dmar(vtd::GCMD), (keep | command).bits());
    let mut now = gsts(ctx);
    for _ in 0..VTD_POLLS {
        if now.contains(expect) {
            break;
        }
        ctx.delay();
        now = gsts(ctx);
    }
    let commanded = persistent(keep | command);
    ctx.check_eq(
        "gsts-commands",
        persistent(now).bits().into(),
        commanded.bits().into(),
    );
    now
}

/// Clears `commands` from GCMD (keeping the other persistent ones GSTS reports) and waits
/// (untraced, bounded) for GSTS to drop them; then checks (traced, as `gsts-commands`) that
/// GSTS's persistent status bits are exactly the commands left, as [`gcmd`] does. Returns GSTS
/// as last read.
pub fn gcmd_clear(ctx: &mut Ctx<'_>, commands: vtd::Global) -> vtd::Global {
    let keep = persistent(gsts(ctx)) - commands;
    ctx.write32(Site::Dmar(vtd::GCMD), keep.bits());
    let mut now = gsts(ctx);
    for _ in 0..VTD_POLLS {
        if !now.intersects(commands) {
            break;
        }
        ctx.delay();
        now = gsts(ctx);
    }
    ctx.check_eq(
        "gsts-commands",
        persistent(now).bits().into(),
        keep.bits().into(),
    );
    now
}

/// GSTS, read untraced (its pointer-status bits carry earlier cases' history; see [`gcmd`]).
pub fn gsts(ctx: &mut Ctx<'_>) -> vtd::Global {
    let raw = ctx
        .raw()
        .read(Site::Dmar(vtd::GSTS), Width::B32)
        .unwrap_or(0);
    vtd::Global::from_bits_truncate(raw as u32)
}

/// The persistent commands' status bits of `status` (everything but the one-shot ones).
fn persistent(status: vtd::Global) -> vtd::Global {
    status - vtd::Global::ONE_SHOT
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
/// read traced after FSTS (VT-d §10.4.9, §10.4.14). Where the records sit is the
/// implementation's (CAP.FRO, §10.4.2): their byte offset is recorded as the
/// implementation-defined `vtd-fault-records` (the replay places the model's records there).
pub fn first_fault_record(ctx: &mut Ctx<'_>) -> vtd::FaultRecordHigh {
    let cap = ctx
        .raw()
        .read(Site::Dmar(vtd::CAP), Width::B64)
        .unwrap_or(0);
    let records = ctx.impl_defined(
        "vtd-fault-records",
        vtd::fault_record_offset(cap).into(),
        Allowed::Any,
    ) as u32;
    let fri = vtd::fault_record_index(ctx.read32(Site::Dmar(vtd::FSTS)));
    let hi = Site::Dmar(records + 16 * fri + 8);
    vtd::FaultRecordHigh(ctx.read(hi, Width::B64))
}

/// Whether the first VT-d unit offers queued invalidation and interrupt remapping (ECAP.QI,
/// ECAP.IR, read traced); marks the case skipped when not.
pub fn remapping_capable(ctx: &mut Ctx<'_>) -> bool {
    // ECAP's value is the implementation's (VT-d 11.4.3): recorded, not judged.
    let ecap = ctx.read_impl("vtd-ecap", Site::Dmar(vtd::ECAP), Width::B64, Allowed::Any);
    let has = ecap & vtd::ECAP_QI != 0 && ecap & vtd::ECAP_IR != 0;
    if !has {
        ctx.skip(
            "the VT-d unit lacks interrupt remapping or queued invalidation (ECAP.IR/QI); \
             use -device intel-iommu,intremap=on",
        );
    }
    has
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

/// Sends the MSI (`address`, `data`) with remapping on (VT-d §5.1) and returns what CPU 0 took
/// in the window after it, EOIed and packed ([`super::take_and_eoi`]; 0 for nothing). `None`,
/// with every GCMD command turned off again ([`vtd_off`]), when the host cannot send MSIs: the
/// case has then skipped itself.
pub fn remapped_msi_taken(ctx: &mut Ctx<'_>, address: u32, data: u32) -> Option<u64> {
    if !msi(ctx, address, data) {
        vtd_off(ctx);
        return None;
    }
    Some(super::take_and_eoi(ctx))
}

/// Sends a remappable MSI to `address` (data 0) with remapping on, expects it blocked and
/// recorded in the first fault record with `reason` and the requester's source-id, with
/// FSTS.PPF set (VT-d 5.1.4.1, 7.3.1), then turns remapping off. A case that cannot send the
/// MSI has skipped itself.
pub fn expect_blocked_fault(ctx: &mut Ctx<'_>, address: u32, reason: u8) {
    let Some(taken) = remapped_msi_taken(ctx, address, 0) else {
        return;
    };
    ctx.check_eq("blocked", taken, 0);
    let record = first_fault_record(ctx);
    ctx.check("fault-recorded", record.fault());
    ctx.check_eq("fault-reason", record.reason().into(), reason.into());
    ctx.check_eq("source-id", record.source_id().into(), SOURCE_ID.into());
    let fsts = vtd::Fsts::from_bits_retain(ctx.read32(Site::Dmar(vtd::FSTS)));
    ctx.check("primary-pending-fault", fsts.contains(vtd::Fsts::PPF));
    vtd_off(ctx);
}
