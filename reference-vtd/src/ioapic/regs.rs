//! The IOAPIC's register window and its indirect registers (82093AA §3.0, §3.1, §3.2).
//!
//! Invariants:
//! - The window has three registers: IOREGSEL at 0x00 (an 8-bit register: byte and dword
//!   writes both set it from bits 7:0), IOWIN at 0x10 (dword only) and the EOI register at 0x40
//!   (dword, write-only, on a [`IoapicVersion::WithEoiRegister`] IOAPIC only; unmapped on the
//!   82093AA). Every other offset or width is ignored and reported.
//! - Indirect registers, selected by IOREGSEL, are a `const` map ([`INDIRECT_MAP`]): ID (0x00,
//!   bits 27:24 writable), version (0x01), arbitration ID (0x02) and the redirection table
//!   (0x10..=0x3F, two dwords per entry). An unmapped index reads 0 and ignores writes, and is
//!   reported.

use alloc::vec::Vec;

use super::{Half, IOAPIC_PINS, IoApic, IoapicMessage};
use crate::access::IgnoreReason;
use crate::vector::Vector;

/// IOREGSEL offset.
pub const IOREGSEL: u32 = 0x00;
/// IOWIN offset.
pub const IOWIN: u32 = 0x10;
/// EOI register offset.
pub const IOAPIC_EOI: u32 = 0x40;

/// An indirect register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Indirect {
    /// IOAPICID.
    Id,
    /// IOAPICVER.
    Version,
    /// IOAPICARB (read-only; equals the ID here).
    Arbitration,
    /// Redirection table: entry, dword.
    Redirection,
}

/// (first index, count, register) rows of the indirect register map.
pub const INDIRECT_MAP: &[(u8, u8, Indirect)] = &[
    (0x00, 1, Indirect::Id),
    (0x01, 1, Indirect::Version),
    (0x02, 1, Indirect::Arbitration),
    (0x10, 2 * IOAPIC_PINS as u8, Indirect::Redirection),
];

fn lookup(index: u8) -> Option<(Indirect, u8)> {
    INDIRECT_MAP.iter().find_map(|&(at, count, reg)| {
        let rel = index.checked_sub(at)?;
        (rel < count).then_some((reg, rel))
    })
}

impl IoApic {
    /// Read the window at byte `offset` with `width` bytes.
    pub fn read(&self, offset: u32, width: u8) -> Result<u32, IgnoreReason> {
        let has_eoi = self.version.has_eoi_register();
        match (offset, width) {
            (IOREGSEL, 1 | 4) => Ok(u32::from(self.ioregsel)),
            (IOWIN, 4) => self.read_indirect(self.ioregsel),
            (IOAPIC_EOI, 4) if has_eoi => Err(IgnoreReason::WriteOnly),
            (IOREGSEL | IOWIN, _) => Err(IgnoreReason::Width),
            (IOAPIC_EOI, _) if has_eoi => Err(IgnoreReason::Width),
            _ => Err(IgnoreReason::Unmapped),
        }
    }

    /// Write the window at byte `offset` with `width` bytes. Returns the messages the write
    /// makes the IOAPIC send (unmasking an asserted level pin, an EOI that finds the pin still
    /// asserted).
    pub fn write(
        &mut self,
        offset: u32,
        width: u8,
        value: u32,
    ) -> Result<Vec<IoapicMessage>, IgnoreReason> {
        let has_eoi = self.version.has_eoi_register();
        match (offset, width) {
            (IOREGSEL, 1 | 4) => {
                self.ioregsel = value as u8;
                Ok(Vec::new())
            }
            (IOWIN, 4) => self.write_indirect(self.ioregsel, value),
            (IOAPIC_EOI, 4) if has_eoi => Ok(self.eoi(Vector(value as u8))),
            (IOREGSEL | IOWIN, _) => Err(IgnoreReason::Width),
            (IOAPIC_EOI, _) if has_eoi => Err(IgnoreReason::Width),
            _ => Err(IgnoreReason::Unmapped),
        }
    }

    fn read_indirect(&self, index: u8) -> Result<u32, IgnoreReason> {
        let (reg, rel) = lookup(index).ok_or(IgnoreReason::Unmapped)?;
        Ok(match reg {
            Indirect::Id | Indirect::Arbitration => u32::from(self.id) << 24,
            Indirect::Version => self.version.register(),
            Indirect::Redirection => {
                let e = self.entries[usize::from(rel / 2)].0;
                if rel % 2 == 0 {
                    e as u32
                } else {
                    (e >> 32) as u32
                }
            }
        })
    }

    fn write_indirect(
        &mut self,
        index: u8,
        value: u32,
    ) -> Result<Vec<IoapicMessage>, IgnoreReason> {
        let (reg, rel) = lookup(index).ok_or(IgnoreReason::Unmapped)?;
        match reg {
            Indirect::Id => self.id = (value >> 24) as u8 & 0xf,
            Indirect::Version | Indirect::Arbitration => return Err(IgnoreReason::ReadOnly),
            Indirect::Redirection => {
                let half = if rel % 2 == 0 { Half::Low } else { Half::High };
                let sent = self.write_entry_half(usize::from(rel / 2), half, value);
                return Ok(sent.into_iter().collect());
            }
        }
        Ok(Vec::new())
    }
}
