//! The remapping unit's registers as a guest sees them (VT-d §11.4), as data, with one
//! dispatcher.
//!
//! Invariants:
//! - [`DMAR_MAP`] lists every register at a fixed offset: offset, size (4 or 8 bytes), count,
//!   kind and access rights; a unit test checks it is sorted and disjoint. The fault recording
//!   registers are the one row that moves: they sit at the unit's [`FaultRecordOffset`]
//!   (CAP.FRO, VT-d §11.4.2, an implementation's choice), which never overlaps the map.
//! - 32-bit registers take 32-bit accesses; 64-bit registers take a 64-bit access or a
//!   32-bit access to either half (VT-d §11.2 "software may access 64-bit registers as two
//!   32-bit accesses"). A partial write merges with the register's current value, except that
//!   RW1C halves see 0 in the half not written. Anything else is ignored and reported.
//! - GCMD acts on each command bit as written (SIRTP latches IRTA_REG and sets IRTPS, IRE and
//!   QIE and CFI and TE follow the written value); GSTS reflects the result at once.
//! - Unimplemented offsets read 0 and ignore writes, reported as [`IgnoreReason::Unmapped`].

use alloc::vec::Vec;

use super::fault::NUM_FAULT_RECORDS;
use super::inval::Iqa;
use super::{Gcmd, Irta, RemapUnit};
use crate::access::IgnoreReason;
use crate::memory::GuestMemory;
use crate::message::InterruptMessage;

/// irqsuite's offset of the first fault recording register (CAP.FRO × 16), the default
/// [`FaultRecordOffset`].
pub const FAULT_RECORDS_OFFSET: u32 = 0x200;

/// Where the fault recording registers start (CAP.FRO × 16, VT-d §11.4.2: "the offset of the
/// first fault recording register relative to the register base address", in 16-byte units).
/// The layout is the implementation's; irqsuite's is [`FAULT_RECORDS_OFFSET`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FaultRecordOffset(u32);

/// A fault record offset that cannot be CAP.FRO × 16 of this unit: not a multiple of 16,
/// beyond the 10-bit FRO field, or overlapping a register at a fixed offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BadFaultRecordOffset(pub u32);

impl core::fmt::Display for BadFaultRecordOffset {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "fault recording registers cannot start at {:#x}: CAP.FRO is 16-byte units in 10 \
             bits, and the records must not overlap another register",
            self.0
        )
    }
}

impl FaultRecordOffset {
    /// The offset CAP.FRO = `fro` names.
    pub fn from_fro(fro: u16) -> Result<FaultRecordOffset, BadFaultRecordOffset> {
        FaultRecordOffset::new(u32::from(fro) * 16)
    }

    /// The fault recording registers at byte offset `offset`.
    pub fn new(offset: u32) -> Result<FaultRecordOffset, BadFaultRecordOffset> {
        let end = offset + 16 * NUM_FAULT_RECORDS as u32;
        let overlaps = DMAR_MAP
            .iter()
            .any(|row| offset < row.at + row.size * row.count && row.at < end);
        if !offset.is_multiple_of(16) || offset / 16 > 0x3ff || overlaps {
            return Err(BadFaultRecordOffset(offset));
        }
        Ok(FaultRecordOffset(offset))
    }

    /// The byte offset.
    pub fn offset(self) -> u32 {
        self.0
    }

    /// CAP.FRO: the offset in 16-byte units.
    pub fn fro(self) -> u64 {
        u64::from(self.0 / 16)
    }

    fn row(self) -> Row {
        Row {
            at: self.0,
            size: 8,
            count: 2 * NUM_FAULT_RECORDS as u32,
            reg: D::FaultRecording,
            rights: RW,
        }
    }
}

impl Default for FaultRecordOffset {
    fn default() -> Self {
        FaultRecordOffset(FAULT_RECORDS_OFFSET)
    }
}
/// Offset of the IOTLB registers (ECAP.IRO × 16): IVA_REG, then IOTLB_REG.
pub const IOTLB_OFFSET: u32 = 0x100;
/// VER_REG value: major 1, minor 0 (irqsuite's choice).
pub const VERSION: u32 = 0x10;

/// A remapping unit register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DmarReg {
    /// VER_REG.
    Version,
    /// CAP_REG.
    Capability,
    /// ECAP_REG.
    ExtendedCapability,
    /// GCMD_REG.
    GlobalCommand,
    /// GSTS_REG.
    GlobalStatus,
    /// RTADDR_REG (stored; DMA remapping is not modelled).
    RootTableAddress,
    /// CCMD_REG (ICC self-clears).
    ContextCommand,
    /// FSTS_REG.
    FaultStatus,
    /// FECTL_REG.
    FaultEventControl,
    /// FEDATA_REG.
    FaultEventData,
    /// FEADDR_REG.
    FaultEventAddress,
    /// FEUADDR_REG.
    FaultEventUpperAddress,
    /// IQH_REG.
    QueueHead,
    /// IQT_REG.
    QueueTail,
    /// IQA_REG.
    QueueAddress,
    /// ICS_REG.
    CompletionStatus,
    /// IECTL_REG.
    InvalEventControl,
    /// IEDATA_REG.
    InvalEventData,
    /// IEADDR_REG.
    InvalEventAddress,
    /// IEUADDR_REG.
    InvalEventUpperAddress,
    /// IRTA_REG.
    RemapTableAddress,
    /// IVA_REG.
    InvalidateAddress,
    /// IOTLB_REG (IVT self-clears).
    Iotlb,
    /// Fault recording registers, as 64-bit halves (even index = low, odd = high).
    FaultRecording,
}

/// Access rights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rights {
    /// Read and write.
    ReadWrite,
    /// Read only.
    ReadOnly,
    /// Write only.
    WriteOnly,
}

/// One row of the map.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// Offset of the first register.
    pub at: u32,
    /// Size of one register in bytes (4 or 8).
    pub size: u32,
    /// Number of registers.
    pub count: u32,
    /// Which register.
    pub reg: DmarReg,
    /// Access rights.
    pub rights: Rights,
}

const fn r(at: u32, size: u32, reg: DmarReg, rights: Rights) -> Row {
    Row {
        at,
        size,
        count: 1,
        reg,
        rights,
    }
}

use DmarReg as D;
use Rights::{ReadOnly as RO, ReadWrite as RW, WriteOnly as WO};

/// The registers at fixed offsets (VT-d §11.4, Table "Register Address Map"); the fault
/// recording registers follow [`FaultRecordOffset`].
pub const DMAR_MAP: &[Row] = &[
    r(0x00, 4, D::Version, RO),
    r(0x08, 8, D::Capability, RO),
    r(0x10, 8, D::ExtendedCapability, RO),
    r(0x18, 4, D::GlobalCommand, WO),
    r(0x1c, 4, D::GlobalStatus, RO),
    r(0x20, 8, D::RootTableAddress, RW),
    r(0x28, 8, D::ContextCommand, RW),
    r(0x34, 4, D::FaultStatus, RW),
    r(0x38, 4, D::FaultEventControl, RW),
    r(0x3c, 4, D::FaultEventData, RW),
    r(0x40, 4, D::FaultEventAddress, RW),
    r(0x44, 4, D::FaultEventUpperAddress, RW),
    r(0x80, 8, D::QueueHead, RO),
    r(0x88, 8, D::QueueTail, RW),
    r(0x90, 8, D::QueueAddress, RW),
    r(0x9c, 4, D::CompletionStatus, RW),
    r(0xa0, 4, D::InvalEventControl, RW),
    r(0xa4, 4, D::InvalEventData, RW),
    r(0xa8, 4, D::InvalEventAddress, RW),
    r(0xac, 4, D::InvalEventUpperAddress, RW),
    r(0xb8, 8, D::RemapTableAddress, RW),
    r(IOTLB_OFFSET, 8, D::InvalidateAddress, RW),
    r(IOTLB_OFFSET + 8, 8, D::Iotlb, RW),
];

/// The register at `offset` for an access of `width`, with the fault recording registers at
/// `records`: (row, register index, byte within the register).
fn lookup(
    records: FaultRecordOffset,
    offset: u32,
    width: u8,
) -> Result<(Row, u32, u32), IgnoreReason> {
    let (row, rel) = DMAR_MAP
        .iter()
        .chain([records.row()].iter())
        .find_map(|row| {
            let rel = offset.checked_sub(row.at)?;
            (rel < row.size * row.count).then_some((*row, rel))
        })
        .ok_or(IgnoreReason::Unmapped)?;
    let (index, byte) = (rel / row.size, rel % row.size);
    match (row.size, width, byte) {
        (4, 4, 0) | (8, 8, 0) | (8, 4, 0 | 4) => Ok((row, index, byte)),
        (4, 8, _) => Err(IgnoreReason::Width),
        (_, 4 | 8, _) => Err(IgnoreReason::Misaligned),
        _ => Err(IgnoreReason::Width),
    }
}

impl RemapUnit {
    /// Read `width` bytes at `offset`.
    pub fn read(&self, offset: u32, width: u8) -> Result<u64, IgnoreReason> {
        let (row, index, byte) = lookup(self.config.fault_records, offset, width)?;
        if row.rights == Rights::WriteOnly {
            return Err(IgnoreReason::WriteOnly);
        }
        let value = self.read_reg(row.reg, index);
        Ok(match width {
            8 => value,
            _ => (value >> (8 * byte)) & 0xffff_ffff,
        })
    }

    /// Write `width` bytes at `offset`. Returns the event interrupts the write raised.
    pub fn write(
        &mut self,
        mem: &mut dyn GuestMemory,
        offset: u32,
        width: u8,
        value: u64,
    ) -> Result<Vec<InterruptMessage>, IgnoreReason> {
        let (row, index, byte) = lookup(self.config.fault_records, offset, width)?;
        if row.rights == Rights::ReadOnly {
            return Err(IgnoreReason::ReadOnly);
        }
        let full = if row.size == 8 && width == 4 {
            let shift = 8 * byte;
            let rest = if row.reg == D::FaultRecording {
                0
            } else {
                self.read_reg(row.reg, index) & !(0xffff_ffff << shift)
            };
            rest | (value & 0xffff_ffff) << shift
        } else {
            value
        };
        Ok(self.write_reg(mem, row.reg, index, full))
    }

    fn read_reg(&self, reg: DmarReg, index: u32) -> u64 {
        let ev = |e: &super::fault::EventRegs, which: u8| -> u64 {
            u64::from(match which {
                0 => e.control.0,
                1 => e.data,
                2 => e.address,
                _ => e.upper_address,
            })
        };
        match reg {
            D::Version => u64::from(VERSION),
            D::Capability => self.cap(),
            D::ExtendedCapability => self.ecap(),
            D::GlobalCommand => 0,
            D::GlobalStatus => u64::from(self.gsts.0),
            D::RootTableAddress => self.rtaddr,
            D::ContextCommand => self.ccmd,
            D::FaultStatus => u64::from(self.faults.fsts().0),
            D::FaultEventControl => ev(&self.fault_event, 0),
            D::FaultEventData => ev(&self.fault_event, 1),
            D::FaultEventAddress => ev(&self.fault_event, 2),
            D::FaultEventUpperAddress => ev(&self.fault_event, 3),
            D::QueueHead => self.iqh,
            D::QueueTail => self.iqt,
            D::QueueAddress => self.iqa.0,
            D::CompletionStatus => u64::from(self.iwc),
            D::InvalEventControl => ev(&self.inval_event, 0),
            D::InvalEventData => ev(&self.inval_event, 1),
            D::InvalEventAddress => ev(&self.inval_event, 2),
            D::InvalEventUpperAddress => ev(&self.inval_event, 3),
            D::RemapTableAddress => self.irta.0,
            D::InvalidateAddress => self.iva,
            D::Iotlb => self.iotlb,
            D::FaultRecording => {
                let rec = self.faults.records[(index / 2) as usize].0;
                if index.is_multiple_of(2) {
                    rec as u64
                } else {
                    (rec >> 64) as u64
                }
            }
        }
    }

    fn write_reg(
        &mut self,
        mem: &mut dyn GuestMemory,
        reg: DmarReg,
        index: u32,
        value: u64,
    ) -> Vec<InterruptMessage> {
        let v32 = value as u32;
        let mut events = Vec::new();
        match reg {
            D::GlobalCommand => events = self.command(mem, Gcmd(v32)),
            D::RootTableAddress => self.rtaddr = value & !0x3ff,
            D::ContextCommand => self.ccmd = value & !(1 << 63),
            D::FaultStatus => {
                self.faults.write_fsts(v32);
                if !self.faults.status_pending() {
                    self.fault_event.control = self.fault_event.control.with_ip(false);
                }
                events = self.process_queue(mem);
            }
            D::FaultEventControl => {
                events.extend(
                    self.fault_event
                        .write_control(v32)
                        .and_then(super::event_message),
                );
            }
            D::FaultEventData => self.fault_event.data = v32,
            D::FaultEventAddress => self.fault_event.address = v32 & !3,
            D::FaultEventUpperAddress => self.fault_event.upper_address = v32,
            D::QueueTail => {
                self.iqt = self.queue_offset(value);
                events = self.process_queue(mem);
            }
            D::QueueAddress => self.iqa = Iqa(value & Iqa::WRITABLE),
            D::CompletionStatus => {
                if v32 & 1 != 0 {
                    self.iwc = false;
                    self.inval_event.control = self.inval_event.control.with_ip(false);
                }
            }
            D::InvalEventControl => {
                events.extend(
                    self.inval_event
                        .write_control(v32)
                        .and_then(super::event_message),
                );
            }
            D::InvalEventData => self.inval_event.data = v32,
            D::InvalEventAddress => self.inval_event.address = v32 & !3,
            D::InvalEventUpperAddress => self.inval_event.upper_address = v32,
            D::RemapTableAddress => {
                let eime = if self.config.x2apic { 1 << 11 } else { 0 };
                self.irta = Irta(value & (!0xfff | eime | 0xf));
            }
            D::InvalidateAddress => self.iva = value,
            D::Iotlb => self.iotlb = value & !(1 << 63),
            D::FaultRecording => {
                if index % 2 == 1 {
                    self.faults.write_record_high((index / 2) as usize, value);
                    if !self.faults.status_pending() {
                        self.fault_event.control = self.fault_event.control.with_ip(false);
                    }
                }
            }
            D::Version | D::Capability | D::ExtendedCapability | D::GlobalStatus | D::QueueHead => {
            }
        }
        events
    }

    /// A GCMD write (VT-d §11.4.4).
    fn command(&mut self, mem: &mut dyn GuestMemory, cmd: Gcmd) -> Vec<InterruptMessage> {
        let mut g = self.gsts;
        g = g
            .with_tes(cmd.te())
            .with_cfis(cmd.cfi())
            .with_ires(cmd.ire());
        if cmd.srtp() {
            g = g.with_rtps(true);
        }
        if cmd.sirtp() {
            self.irta_active = self.irta;
            g = g.with_irtps(true);
        }
        let qi_was = g.qies();
        g = g.with_qies(cmd.qie());
        if qi_was && !cmd.qie() {
            // VT-d §11.4.22: IQH is reset to 0 when queued invalidation is disabled.
            self.iqh = 0;
        }
        self.gsts = g;
        if !qi_was && cmd.qie() {
            return self.process_queue(mem);
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_register_map_is_sorted_and_disjoint() {
        assert!(
            DMAR_MAP
                .windows(2)
                .all(|w| w[0].at + w[0].size * w[0].count <= w[1].at)
        );
    }

    #[test]
    fn a_64_bit_register_takes_32_bit_halves_and_nothing_narrower() {
        let at = FaultRecordOffset::default();
        assert!(lookup(at, 0x0c, 4).is_ok());
        assert_eq!(lookup(at, 0x0a, 4).unwrap_err(), IgnoreReason::Misaligned);
        assert_eq!(lookup(at, 0x08, 2).unwrap_err(), IgnoreReason::Width);
        assert_eq!(lookup(at, 0x1c, 8).unwrap_err(), IgnoreReason::Width);
        assert_eq!(lookup(at, 0x0c, 8).unwrap_err(), IgnoreReason::Misaligned);
        assert_eq!(lookup(at, 0x60, 4).unwrap_err(), IgnoreReason::Unmapped);
    }

    #[test]
    fn the_fault_records_sit_where_their_offset_says_and_nowhere_else() {
        let at = FaultRecordOffset::new(0x220).unwrap();
        assert_eq!(at.fro(), 0x22);
        let (row, index, byte) = lookup(at, 0x228, 8).unwrap();
        assert_eq!((row.reg, index, byte), (D::FaultRecording, 1, 0));
        assert_eq!(lookup(at, 0x208, 8).unwrap_err(), IgnoreReason::Unmapped);
    }

    #[test]
    fn a_fault_record_offset_off_16_bytes_beyond_fro_or_over_a_register_is_refused() {
        assert_eq!(FaultRecordOffset::default().offset(), FAULT_RECORDS_OFFSET);
        for bad in [0x208, 0x4000, 0x80, 0xf0] {
            assert_eq!(FaultRecordOffset::new(bad), Err(BadFaultRecordOffset(bad)));
        }
        assert_eq!(FaultRecordOffset::from_fro(0x22).unwrap().offset(), 0x220);
    }
}
