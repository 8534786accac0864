//! The xAPIC memory-mapped interface of a local APIC (SDM vol. 3 §11.4.1).
//!
//! Invariants:
//! - Accesses are 32-bit at a register's 16-byte-aligned offset; anything else is ignored and
//!   reported as an [`IgnoreReason`] (reads return 0), never a panic.
//! - An access to a reserved offset also sets ESR "illegal register address" (SDM §11.5.3).
//! - Reads of write-only registers (EOI) return 0 and writes to read-only registers are
//!   dropped; both are reported so that the comparator can see them.
//! - The page is reachable only in xAPIC mode: a disabled or x2APIC-mode APIC ignores it
//!   (SDM §11.12.1.2: in x2APIC mode the memory-mapped interface is not available).

use crate::access::IgnoreReason;
use crate::effect::Effect;
use crate::lapic::lvt::Esr;
use crate::lapic::regs::{Rights, XAPIC_MAP, lookup};
use crate::lapic::{ApicMode, LocalApic};

impl LocalApic {
    fn mmio_row(&mut self, offset: u32) -> Result<crate::lapic::regs::Row, IgnoreReason> {
        if self.mode() != ApicMode::XApic {
            return Err(IgnoreReason::WrongMode);
        }
        if !offset.is_multiple_of(16) || offset >= 0x1000 {
            return Err(IgnoreReason::Misaligned);
        }
        match lookup(XAPIC_MAP, offset, 16) {
            Some((row, _)) => Ok(row),
            None => {
                self.signal_error(Esr(0).with_illegal_register_address(true));
                Err(IgnoreReason::Unmapped)
            }
        }
    }

    /// A 32-bit read of the xAPIC page at byte `offset`.
    pub fn mmio_read(&mut self, offset: u32, now: u64) -> Result<u32, IgnoreReason> {
        let row = self.mmio_row(offset)?;
        if row.rights == Rights::WriteOnly {
            return Err(IgnoreReason::WriteOnly);
        }
        let index = (offset - row.at) / 16;
        Ok(self.read_reg(row.kind, index, now) as u32)
    }

    /// A 32-bit write of the xAPIC page at byte `offset`.
    pub fn mmio_write(
        &mut self,
        offset: u32,
        value: u32,
        now: u64,
    ) -> Result<Option<Effect>, IgnoreReason> {
        let row = self.mmio_row(offset)?;
        if row.rights == Rights::ReadOnly {
            return Err(IgnoreReason::ReadOnly);
        }
        Ok(self.write_reg(row.kind, u64::from(value), now))
    }
}
