//! The ITS command decoder and the flat command loop (IHI 0069H §5.2 "The ITS command
//! interface" and §5.3 "ITS commands": each command is 32 bytes, four little-endian
//! doublewords DW0-DW3, the command number in DW0\[7:0\]).
//!
//! Field positions (written by hand from the §5.3 command formats):
//!
//! | field     | where          | used by                                             |
//! |-----------|----------------|-----------------------------------------------------|
//! | DeviceID  | DW0\[63:32\]     | MAPD, MAPTI, MAPI, INT, CLEAR, DISCARD, INV, MOVI   |
//! | EventID   | DW1\[31:0\]      | MAPTI, MAPI, INT, CLEAR, DISCARD, INV, MOVI         |
//! | pINTID    | DW1\[63:32\]     | MAPTI                                               |
//! | Size      | DW1\[4:0\]       | MAPD (EventID bits - 1)                             |
//! | ICID      | DW2\[15:0\]      | MAPC, MAPTI, MAPI, MOVI, INVALL                     |
//! | ITT_addr  | DW2\[51:8\]      | MAPD                                                |
//! | RDbase    | DW2\[51:16\]     | MAPC, SYNC, MOVALL (RDbase1)                        |
//! | RDbase2   | DW3\[51:16\]     | MOVALL                                              |
//! | V         | DW2[63]        | MAPD, MAPC                                          |
//!
//! Command numbers: MOVI 0x01, INT 0x03, CLEAR 0x04, SYNC 0x05, MAPD 0x08, MAPC 0x09,
//! MAPTI 0x0a, MAPI 0x0b, INV 0x0c, INVALL 0x0d, MOVALL 0x0e, DISCARD 0x0f. Every other
//! number (the GICv4 V* commands included: GITS_TYPER.Virtual == 0) is unsupported.
//! With GITS_TYPER.PTA == 0, RDbase is a processor number.
//!
//! Invariants:
//! - [`decode`] is total: every 32-byte pattern decodes to a [`Command`] or
//!   [`ItsError::UnsupportedCommand`]; RES0 bits are ignored.
//! - [`process_queue`] runs while the ITS is enabled, GITS_CBASER.Valid is 1, the queue is not
//!   stalled and CREADR != CWRITER; each iteration moves CREADR by one command (mod the queue
//!   size) unless it stalls, so it ends within one lap.

use super::MAX_ITS_ERRORS;
use super::error::{CommandErrorChoice, CommandErrorRecord, ItsError};
use super::handlers;
use crate::Gic;

const CBASER_VALID: u64 = 1 << 63;
/// GITS_CBASER.Physical_Address \[51:12\].
const CBASER_PA: u64 = ((1 << 52) - 1) & !0xfff;
/// Bytes per command.
pub(crate) const COMMAND_BYTES: u32 = 32;

/// One decoded ITS command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    /// MOVI: move an event to another collection (and its pending state).
    Movi { device: u32, event: u32, icid: u16 },
    /// INT: make the event's LPI pending.
    Int { device: u32, event: u32 },
    /// CLEAR: clear the event's LPI's pending state.
    Clear { device: u32, event: u32 },
    /// SYNC: wait for the effects on a redistributor.
    Sync { rd: u64 },
    /// MAPD: map (`valid`) or unmap a device to an ITT of 2^(size + 1) events.
    Mapd {
        device: u32,
        size: u8,
        itt: u64,
        valid: bool,
    },
    /// MAPC: map (`valid`) or unmap a collection to a redistributor.
    Mapc { icid: u16, rd: u64, valid: bool },
    /// MAPTI: map an event to an LPI and a collection.
    Mapti {
        device: u32,
        event: u32,
        intid: u32,
        icid: u16,
    },
    /// MAPI: MAPTI with pINTID = EventID.
    Mapi { device: u32, event: u32, icid: u16 },
    /// INV: reload the event's LPI's configuration.
    Inv { device: u32, event: u32 },
    /// INVALL: reload the configuration of every LPI of a collection's redistributor.
    Invall { icid: u16 },
    /// MOVALL: move every pending LPI from one redistributor to another.
    Movall { from: u64, to: u64 },
    /// DISCARD: remove the event's mapping and its LPI's pending state.
    Discard { device: u32, event: u32 },
}

/// Decode the four doublewords of a command.
pub(crate) fn decode(dw: [u64; 4]) -> Result<Command, ItsError> {
    let device = (dw[0] >> 32) as u32;
    let event = dw[1] as u32;
    let icid = dw[2] as u16;
    let rd = |w: u64| (w >> 16) & ((1 << 36) - 1);
    let valid = dw[2] >> 63 != 0;
    let opcode = dw[0] as u8;
    Ok(match opcode {
        0x01 => Command::Movi {
            device,
            event,
            icid,
        },
        0x03 => Command::Int { device, event },
        0x04 => Command::Clear { device, event },
        0x05 => Command::Sync { rd: rd(dw[2]) },
        0x08 => Command::Mapd {
            device,
            size: (dw[1] & 0x1f) as u8,
            itt: dw[2] & ((1 << 52) - 1) & !0xff,
            valid,
        },
        0x09 => Command::Mapc {
            icid,
            rd: rd(dw[2]),
            valid,
        },
        0x0a => Command::Mapti {
            device,
            event,
            intid: (dw[1] >> 32) as u32,
            icid,
        },
        0x0b => Command::Mapi {
            device,
            event,
            icid,
        },
        0x0c => Command::Inv { device, event },
        0x0d => Command::Invall { icid },
        0x0e => Command::Movall {
            from: rd(dw[2]),
            to: rd(dw[3]),
        },
        0x0f => Command::Discard { device, event },
        _ => return Err(ItsError::UnsupportedCommand { opcode }),
    })
}

/// Run one command: one handler per command.
fn execute(gic: &mut Gic, command: Command) -> Result<(), ItsError> {
    match command {
        Command::Movi {
            device,
            event,
            icid,
        } => handlers::handle_movi(gic, device, event, icid),
        Command::Int { device, event } => handlers::handle_int(gic, device, event),
        Command::Clear { device, event } => handlers::handle_clear(gic, device, event),
        Command::Sync { rd } => handlers::handle_sync(gic, rd),
        Command::Mapd {
            device,
            size,
            itt,
            valid,
        } => handlers::handle_mapd(gic, device, size, itt, valid),
        Command::Mapc { icid, rd, valid } => handlers::handle_mapc(gic, icid, rd, valid),
        Command::Mapti {
            device,
            event,
            intid,
            icid,
        } => handlers::handle_mapti(gic, device, event, intid, icid),
        Command::Mapi {
            device,
            event,
            icid,
        } => handlers::handle_mapi(gic, device, event, icid),
        Command::Inv { device, event } => handlers::handle_inv(gic, device, event),
        Command::Invall { icid } => handlers::handle_invall(gic, icid),
        Command::Movall { from, to } => handlers::handle_movall(gic, from, to),
        Command::Discard { device, event } => handlers::handle_discard(gic, device, event),
    }
}

/// Read the command at `offset` of the queue.
fn fetch(gic: &Gic, base: u64, offset: u32) -> Result<[u64; 4], ItsError> {
    let mut bytes = [0u8; COMMAND_BYTES as usize];
    gic.memory
        .read(base + u64::from(offset), &mut bytes)
        .map_err(ItsError::Memory)?;
    let mut dw = [0u64; 4];
    for (i, chunk) in bytes.chunks_exact(8).enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        dw[i] = u64::from_le_bytes(b);
    }
    Ok(dw)
}

/// Process commands from GITS_CREADR up to GITS_CWRITER (the flat command loop).
pub(crate) fn process_queue(gic: &mut Gic) {
    let choice = gic
        .config
        .its
        .map_or(CommandErrorChoice::Stall, |c| c.command_error);
    loop {
        let Some(its) = &gic.its else {
            return;
        };
        if !its.enabled
            || its.stalled
            || its.cbaser & CBASER_VALID == 0
            || its.creadr == its.cwriter
        {
            return;
        }
        let (base, offset, size) = (its.cbaser & CBASER_PA, its.creadr, its.queue_bytes());
        let raw = fetch(gic, base, offset);
        let opcode = raw.map_or(0, |dw| dw[0] as u8);
        let result = raw.and_then(decode).and_then(|c| execute(gic, c));
        let Some(its) = gic.its.as_mut() else {
            return;
        };
        if let Err(error) = result {
            if its.errors.len() < MAX_ITS_ERRORS {
                its.errors.push(CommandErrorRecord {
                    offset,
                    opcode,
                    error,
                    choice,
                });
            }
            if choice == CommandErrorChoice::Stall {
                its.stalled = true;
                return;
            }
        }
        its.creadr = (offset + COMMAND_BYTES) % size;
    }
}
