//! The ITS tables in guest memory: the Device table and the Collection table described by
//! `GITS_BASER<n>` (flat or two-level), the per-device Interrupt Translation Tables, and the
//! collections held in the ITS itself (GITS_TYPER.HCC) (IHI 0069H §5.2 "The ITS tables",
//! §12.19 `GITS_BASER<n>`).
//!
//! Invariants:
//! - The entry formats are IMPLEMENTATION DEFINED; irqsuite's are 8 bytes each
//!   (`GITS_BASER<n>`.Entry_Size = 7, GITS_TYPER.ITT_entry_size = 7), little-endian:
//!   - Device table entry: Valid [63], ITT_addr \[51:8\], Size \[4:0\] (EventID bits - 1);
//!   - Collection table entry: Valid [63], target processor number \[15:0\] (PTA == 0);
//!   - ITT entry: Valid [63], ICID \[47:32\], pINTID \[31:0\].
//! - A two-level table's level-1 entries are 8 bytes: Valid [63], the level-2 page's physical
//!   address in \[51:12\] (aligned to the table's page size, IHI 0069H §12.19 `GITS_BASER<n>`.
//!   Indirect). An ID whose level-1 entry is invalid, or that lies beyond the table, is out of
//!   range.
//! - Lookups never change state; writers are only called by command handlers after every
//!   check has passed.

use crate::Gic;
use crate::memory::{MemoryError, read_u64, write_u64};

/// Size of every entry irqsuite writes.
pub(crate) const ENTRY_SIZE: u64 = 8;
/// `GITS_BASER<n>`.Type values (IHI 0069H §12.19).
pub(crate) const TYPE_DEVICES: u64 = 0b001;
/// Interrupt Collections.
pub(crate) const TYPE_COLLECTIONS: u64 = 0b100;

const VALID: u64 = 1 << 63;
const PA_52: u64 = (1 << 52) - 1;

/// Why a table lookup found no slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableError {
    /// The ID is beyond the supported range, the table is not valid or too small, or a
    /// level-1 entry is invalid.
    OutOfRange,
    /// Guest memory failed.
    Memory(MemoryError),
}

impl From<MemoryError> for TableError {
    fn from(e: MemoryError) -> Self {
        TableError::Memory(e)
    }
}

/// A Device table entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Device {
    /// ITT base address (256-byte aligned).
    pub itt: u64,
    /// EventID bits - 1 (MAPD Size).
    pub size: u8,
}

/// An Interrupt Translation Table entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ite {
    /// The physical LPI.
    pub intid: u32,
    /// Its collection.
    pub icid: u16,
}

/// A decoded `GITS_BASER<n>`.
struct Baser {
    valid: bool,
    indirect: bool,
    page: u64,
    bytes: u64,
    pa: u64,
}

impl Baser {
    fn decode(v: u64) -> Baser {
        let page = match (v >> 8) & 3 {
            0 => 4096,
            1 => 16384,
            _ => 65536,
        };
        // With 64 KiB pages, bits [15:12] hold PA[51:48] (IHI 0069H §12.19).
        let pa = if page == 65536 {
            (v & 0x0000_ffff_ffff_0000) | ((v >> 12) & 0xf) << 48
        } else {
            v & 0x0000_ffff_ffff_f000 & !(page - 1)
        };
        Baser {
            valid: v & VALID != 0,
            indirect: v & (1 << 62) != 0,
            page,
            bytes: ((v & 0xff) + 1) * page,
            pa,
        }
    }
}

impl Gic {
    /// The guest physical address of entry `id` of the table GITS_BASER`n` describes.
    fn table_slot(&self, n: usize, id: u64) -> Result<u64, TableError> {
        let Some(its) = &self.its else {
            return Err(TableError::OutOfRange);
        };
        let b = Baser::decode(its.baser[n]);
        if !b.valid {
            return Err(TableError::OutOfRange);
        }
        if !b.indirect {
            return match id.checked_mul(ENTRY_SIZE) {
                Some(off) if off < b.bytes => Ok(b.pa + off),
                _ => Err(TableError::OutOfRange),
            };
        }
        let per_page = b.page / ENTRY_SIZE;
        let l1 = id / per_page;
        if l1 * 8 >= b.bytes {
            return Err(TableError::OutOfRange);
        }
        let entry = read_u64(&*self.memory, b.pa + l1 * 8)?;
        if entry & VALID == 0 {
            return Err(TableError::OutOfRange);
        }
        let l2 = entry & PA_52 & !(b.page - 1);
        Ok(l2 + (id % per_page) * ENTRY_SIZE)
    }

    fn its_config(&self) -> Option<crate::ItsConfig> {
        self.config.its
    }

    /// Where Device table entry `device_id` lives.
    pub(crate) fn device_slot(&self, device_id: u32) -> Result<u64, TableError> {
        let cfg = self.its_config().ok_or(TableError::OutOfRange)?;
        if u64::from(device_id) >> cfg.device_bits != 0 {
            return Err(TableError::OutOfRange);
        }
        self.table_slot(0, device_id.into())
    }

    /// The mapping of `device_id`, if it is mapped.
    pub(crate) fn read_device(&self, device_id: u32) -> Result<Option<Device>, TableError> {
        let e = read_u64(&*self.memory, self.device_slot(device_id)?)?;
        Ok((e & VALID != 0).then_some(Device {
            itt: e & PA_52 & !0xff,
            size: (e & 0x1f) as u8,
        }))
    }

    /// Map (`Some`) or unmap (`None`) `device_id`.
    pub(crate) fn write_device(
        &mut self,
        device_id: u32,
        device: Option<Device>,
    ) -> Result<(), TableError> {
        let slot = self.device_slot(device_id)?;
        let e = device.map_or(0, |d| {
            VALID | (d.itt & PA_52 & !0xff) | u64::from(d.size & 0x1f)
        });
        Ok(write_u64(&mut *self.memory, slot, e)?)
    }

    /// Is `icid` within the supported collection range (CIDbits, HCC or the table)?
    pub(crate) fn collection_in_range(&self, icid: u16) -> bool {
        match self.its_config() {
            Some(cfg) if u64::from(icid) >> cfg.collection_bits == 0 => {
                icid < u16::from(cfg.hcc) || self.table_slot(1, icid.into()).is_ok()
            }
            _ => false,
        }
    }

    /// The target processor of collection `icid`, if it is mapped.
    pub(crate) fn read_collection(&self, icid: u16) -> Result<Option<usize>, TableError> {
        let (cfg, its) = match (self.its_config(), &self.its) {
            (Some(cfg), Some(its)) => (cfg, its),
            _ => return Err(TableError::OutOfRange),
        };
        if u64::from(icid) >> cfg.collection_bits != 0 {
            return Err(TableError::OutOfRange);
        }
        if let Some(held) = its.collections.get(usize::from(icid)) {
            return Ok(*held);
        }
        let e = read_u64(&*self.memory, self.table_slot(1, icid.into())?)?;
        Ok((e & VALID != 0).then_some((e & 0xffff) as usize))
    }

    /// Map (`Some(processor)`) or unmap (`None`) collection `icid`.
    pub(crate) fn write_collection(
        &mut self,
        icid: u16,
        target: Option<usize>,
    ) -> Result<(), TableError> {
        if !self.collection_in_range(icid) {
            return Err(TableError::OutOfRange);
        }
        if let Some(held) = self
            .its
            .as_mut()
            .and_then(|its| its.collections.get_mut(usize::from(icid)))
        {
            *held = target;
            return Ok(());
        }
        let slot = self.table_slot(1, icid.into())?;
        let e = target.map_or(0, |t| VALID | (t as u64 & 0xffff));
        Ok(write_u64(&mut *self.memory, slot, e)?)
    }

    /// Where ITT entry `event` of `device` lives: out of range beyond 2^(Size + 1) events.
    fn ite_slot(device: Device, event: u32) -> Result<u64, TableError> {
        if u64::from(event) >> (u32::from(device.size) + 1) != 0 {
            return Err(TableError::OutOfRange);
        }
        Ok(device.itt + u64::from(event) * ENTRY_SIZE)
    }

    /// The translation of `event` of `device`, if mapped.
    pub(crate) fn read_ite(&self, device: Device, event: u32) -> Result<Option<Ite>, TableError> {
        let e = read_u64(&*self.memory, Gic::ite_slot(device, event)?)?;
        Ok((e & VALID != 0).then_some(Ite {
            intid: e as u32,
            icid: (e >> 32) as u16,
        }))
    }

    /// Map (`Some`) or unmap (`None`) `event` of `device`.
    pub(crate) fn write_ite(
        &mut self,
        device: Device,
        event: u32,
        ite: Option<Ite>,
    ) -> Result<(), TableError> {
        let slot = Gic::ite_slot(device, event)?;
        let e = ite.map_or(0, |i| VALID | u64::from(i.icid) << 32 | u64::from(i.intid));
        Ok(write_u64(&mut *self.memory, slot, e)?)
    }

    /// Device, then ITT entry, of `device_id`/`event`: `Ok(None)` when either is not mapped
    /// or out of range (every command reports those as "unmapped interrupt").
    pub(crate) fn find_ite(
        &self,
        device_id: u32,
        event: u32,
    ) -> Result<Option<(Device, Ite)>, MemoryError> {
        let device = match self.read_device(device_id) {
            Ok(Some(d)) => d,
            Ok(None) | Err(TableError::OutOfRange) => return Ok(None),
            Err(TableError::Memory(e)) => return Err(e),
        };
        match self.read_ite(device, event) {
            Ok(ite) => Ok(ite.map(|i| (device, i))),
            Err(TableError::OutOfRange) => Ok(None),
            Err(TableError::Memory(e)) => Err(e),
        }
    }
}
