//! Mapping an event to an LPI through the ITS, the way every ITS case starts (IHI 0069H §5.2,
//! the command sequence MAPD, MAPC, MAPTI), and the matching clean-up; raising a mapped event
//! (INT) and seeing it delivered; an SGI held in service while an LPI arrives; and queuing a
//! command that has an error (IHI 0069H §5.3: the ITS ignores it or stalls), with the restart
//! that brings both outcomes back to one state and the checks that follow one.

use guest_kit::its::{COMMAND_BYTES, Command};
use guest_kit::lpi::{COMMAND_POLLS, COMMAND_QUEUE, COMMAND_QUEUE_BYTES, CREADR_STALLED};
use guest_kit::regs::gits;
use guest_kit::{Allowed, Ctx, IntId, Site, Width};

/// EventID bits of the ITTs the cases allocate (16 events per device).
pub const EVENT_BITS: u8 = 4;

/// One mapped event.
#[derive(Clone, Copy, Debug)]
pub struct Mapping {
    /// DeviceID.
    pub device: u32,
    /// EventID.
    pub event: u32,
    /// The LPI.
    pub intid: u32,
}

/// Maps `device` (with a fresh ITT), collection `cpu` to CPU `cpu`, and `event` of `device` to
/// LPI `intid` in that collection. The LPI stays disabled in the configuration table.
pub fn map(ctx: &mut Ctx<'_>, device: u32, event: u32, intid: u32, cpu: u8) -> Mapping {
    map_device(ctx, device, EVENT_BITS);
    map_collection(ctx, cpu);
    let icid = u16::from(cpu);
    ctx.its_command(Command::Mapti {
        device,
        event,
        intid,
        icid,
    });
    Mapping {
        device,
        event,
        intid,
    }
}

/// Maps `device` to a fresh ITT sized for `event_bits` EventID bits.
pub fn map_device(ctx: &mut Ctx<'_>, device: u32, event_bits: u8) {
    let typer = gits::Typer(
        ctx.raw()
            .read(Site::Gits(gits::TYPER), Width::B64)
            .unwrap_or(0),
    );
    let itt_bytes = u64::from(typer.itt_entry_size()) << event_bits;
    let itt = ctx.alloc(itt_bytes.max(256), 256);
    ctx.its_command(Command::Mapd {
        device,
        event_bits,
        itt,
        valid: true,
    });
}

/// Maps collection `cpu` to CPU `cpu`.
pub fn map_collection(ctx: &mut Ctx<'_>, cpu: u8) {
    let rd = ctx.rdbase(cpu);
    ctx.its_command(Command::Mapc {
        icid: u16::from(cpu),
        rd,
        valid: true,
    });
}

/// Enables `m`'s LPI with `priority` and makes the ITS reload its configuration (INV).
pub fn enable(ctx: &mut Ctx<'_>, m: Mapping, priority: u8) {
    ctx.set_lpi_config(m.intid, priority, true);
    ctx.its_command(Command::Inv {
        device: m.device,
        event: m.event,
    });
}

/// Removes `m` (DISCARD: mapping and pending state) and unmaps its device.
pub fn unmap(ctx: &mut Ctx<'_>, m: Mapping) {
    ctx.its_command(Command::Discard {
        device: m.device,
        event: m.event,
    });
    ctx.its_command(Command::Mapd {
        device: m.device,
        event_bits: EVENT_BITS,
        itt: 0,
        valid: false,
    });
}

/// Maps one more `event` of an already mapped `device` to LPI `intid` in collection `icid`.
pub fn map_event(ctx: &mut Ctx<'_>, device: u32, event: u32, intid: u32, icid: u16) -> Mapping {
    ctx.its_command(Command::Mapti {
        device,
        event,
        intid,
        icid,
    });
    Mapping {
        device,
        event,
        intid,
    }
}

/// Removes one event's mapping (DISCARD), leaving its device mapped.
pub fn discard(ctx: &mut Ctx<'_>, m: Mapping) {
    ctx.its_command(Command::Discard {
        device: m.device,
        event: m.event,
    });
}

/// INT for `m`'s event (IHI 0069H §5.3 INT): the ITS makes `m`'s LPI pending.
pub fn int(ctx: &mut Ctx<'_>, m: Mapping) {
    ctx.its_command(Command::Int {
        device: m.device,
        event: m.event,
    });
}

/// INT for `m`'s event, then this CPU acknowledges `m`'s LPI (checked as `label`) and EOIs it:
/// the mapping delivers (IHI 0069H §5.2, §5.3 INT). `m`'s LPI must be enabled.
pub fn int_delivers(ctx: &mut Ctx<'_>, m: Mapping, label: &'static str) {
    int(ctx, m);
    let got = ctx.ack_when_pending();
    ctx.check_eq(label, got.raw().into(), m.intid.into());
    ctx.eoi(got);
}

/// Makes `sgi` active on this CPU at `priority`: sets its priority, enables it, sends it to
/// this CPU and acknowledges it (checked as `sgi`). Returns the INTID acknowledged, for the case
/// to EOI once it has seen what an LPI does meanwhile (IHI 0069H §4.8: preemption by priority,
/// LPIs and SGIs alike).
pub fn sgi_in_service(ctx: &mut Ctx<'_>, sgi: IntId, priority: u8) -> IntId {
    ctx.set_priority(sgi, priority);
    ctx.enable(sgi);
    ctx.send_sgi_to_self(sgi);
    let got = ctx.ack_when_pending();
    ctx.check_eq("sgi", got.raw().into(), sgi.raw().into());
    got
}

/// Lets time pass, so that an interrupt that was going to arrive has arrived.
pub fn settle(ctx: &mut Ctx<'_>) {
    for _ in 0..32 {
        ctx.delay();
    }
}

/// The outcome of a command error: the ITS ignored the command (GITS_CREADR moved past it,
/// Stalled 0).
pub const IGNORED: u64 = 0;
/// The outcome of a command error: the ITS stalled the queue (GITS_CREADR.Stalled 1).
pub const STALLED: u64 = 1;
/// The outcomes IHI 0069H §5.3 allows for a command error (with GITS_TYPER.SEIS = 0).
pub const ERROR_OUTCOMES: Allowed = Allowed::OneOf(&[IGNORED, STALLED]);

/// Queues `command`, which has an error, and records what the ITS did as the
/// implementation-defined `command-error` ([`IGNORED`] or [`STALLED`]; 2 if it did neither in
/// time). GITS_CREADR is read untraced: its value depends on that choice. Then restarts the
/// queue ([`restart_queue`]) so that both outcomes continue from one state. Returns the outcome.
pub fn command_error(ctx: &mut Ctx<'_>, command: Command) -> u64 {
    let cwriter = ctx
        .raw()
        .read(Site::Gits(gits::CWRITER), Width::B64)
        .unwrap_or(0)
        & 0xfffe0;
    let queue = ctx.info().arena + COMMAND_QUEUE;
    ctx.mem_write(queue + cwriter, &command.to_bytes());
    let next = (cwriter + COMMAND_BYTES as u64) % COMMAND_QUEUE_BYTES;
    ctx.write(Site::Gits(gits::CWRITER), Width::B64, next);
    let mut outcome = 2;
    for _ in 0..COMMAND_POLLS {
        let creadr = ctx
            .raw()
            .read(Site::Gits(gits::CREADR), Width::B64)
            .unwrap_or(0);
        if creadr & CREADR_STALLED != 0 {
            outcome = STALLED;
            break;
        }
        if creadr & 0xfffe0 == next {
            outcome = IGNORED;
            break;
        }
        ctx.delay();
    }
    let outcome = ctx.impl_defined("command-error", outcome, ERROR_OUTCOMES);
    restart_queue(ctx);
    outcome
}

/// After a command error: lets time pass ([`settle`]) and checks that nothing became pending
/// (an acknowledge reads 1023, checked as `nothing-pending`).
pub fn expect_nothing_pending(ctx: &mut Ctx<'_>) {
    settle(ctx);
    let got = ctx.ack();
    ctx.check_eq("nothing-pending", got.raw().into(), 1023);
}

/// After a command error: SYNC to CPU 0's redistributor and checks (as `queue-restarted`)
/// that GITS_CREADR is then `creadr`, 32 bytes a command: the queue restarted at 0
/// ([`restart_queue`]) and has processed only the commands queued since, the SYNC included.
pub fn check_queue_restarted(ctx: &mut Ctx<'_>, creadr: u64) {
    let rd = ctx.rdbase(0);
    let got = ctx.its_command(Command::Sync { rd });
    ctx.check_eq("queue-restarted", got, creadr);
}

/// MAPD of `device` to a fresh 256-byte ITT for `event_bits` EventID bits, where the DeviceID
/// or the ITT size is out of range, so a command error ([`command_error`]; IHI 0069H §5.3 MAPD:
/// DeviceID beyond GITS_TYPER.Devbits, ITT_size beyond GITS_TYPER.ID_bits).
pub fn mapd_error(ctx: &mut Ctx<'_>, device: u32, event_bits: u8) {
    let itt = ctx.alloc(256, 256);
    command_error(
        ctx,
        Command::Mapd {
            device,
            event_bits,
            itt,
            valid: true,
        },
    );
}

/// MAPTI of `event` of `device` to `intid` in collection 0 (CPU 0), with both mapped first, where
/// the EventID or the pINTID is out of range, so a command error ([`command_error`]; IHI 0069H
/// §5.3 MAPTI); then nothing is pending ([`expect_nothing_pending`]).
pub fn mapti_error(ctx: &mut Ctx<'_>, device: u32, event: u32, intid: u32) {
    map_device(ctx, device, EVENT_BITS);
    map_collection(ctx, 0);
    command_error(
        ctx,
        Command::Mapti {
            device,
            event,
            intid,
            icid: 0,
        },
    );
    expect_nothing_pending(ctx);
}

/// After a command error on a mapped `device`: a valid MAPTI of its event 0 to `intid` in
/// collection 0 still works: enabled at priority 0x80, INT delivers it ([`int_delivers`], checked
/// as `label`). Then removes it and the device ([`unmap`]).
pub fn device_still_delivers(ctx: &mut Ctx<'_>, device: u32, intid: u32, label: &'static str) {
    let m = map_event(ctx, device, 0, intid, 0);
    enable(ctx, m, 0x80);
    int_delivers(ctx, m, label);
    unmap(ctx, m);
}

/// Restarts the command queue as the kit's reset programs it: GITS_CTLR.Enabled = 0, wait for
/// Quiescent, rewrite GITS_CBASER (which sets GITS_CREADR to 0 and so clears Stalled, IHI 0069H
/// §12.19 GITS_CREADR), GITS_CWRITER = 0, Enabled = 1. Mappings live in the tables and stay.
pub fn restart_queue(ctx: &mut Ctx<'_>) {
    ctx.write32(Site::Gits(gits::CTLR), 0);
    for _ in 0..COMMAND_POLLS {
        match ctx.raw().read(Site::Gits(gits::CTLR), Width::B32) {
            Ok(v) if v & u64::from(gits::CTLR_QUIESCENT) == 0 => ctx.delay(),
            _ => break,
        }
    }
    let queue = ctx.info().arena + COMMAND_QUEUE;
    let cbaser = gits::cbaser(queue, COMMAND_QUEUE_BYTES >> 12);
    ctx.write(Site::Gits(gits::CBASER), Width::B64, cbaser);
    ctx.write(Site::Gits(gits::CWRITER), Width::B64, 0);
    ctx.write32(Site::Gits(gits::CTLR), gits::CTLR_ENABLED);
}

/// GITS_TYPER, recorded as the implementation-defined `gits-typer` (Physical = 1 required).
pub fn typer(ctx: &mut Ctx<'_>) -> gits::Typer {
    let physical = Allowed::Fixed { mask: 1, value: 1 };
    let site = Site::Gits(gits::TYPER);
    gits::Typer(ctx.read_impl("gits-typer", site, Width::B64, physical))
}
