//! The local APIC register map as data, and the one dispatcher both interfaces use.
//!
//! Invariants:
//! - [`XAPIC_MAP`] (SDM vol. 3 §11.4.1 Table 11-1, byte offsets in the 4 KiB page) and
//!   [`X2APIC_MAP`] (SDM §11.12.1.2 Table 11-6, MSR numbers) are `const` tables of rows naming
//!   a [`RegKind`], how many consecutive registers it covers, and its access rights. A unit test
//!   checks they are sorted and do not overlap.
//! - [`LocalApic::read_reg`] / [`LocalApic::write_reg`] are the only code that turns a register
//!   into state; they assume the front end already checked access rights and reserved bits.
//! - Registers that exist in only one mode are simply absent from the other map: APR, RRD and
//!   DFR have no MSR; SELF IPI has no MMIO offset; the ICR is two 32-bit registers in xAPIC
//!   mode and one 64-bit MSR in x2APIC mode.

use crate::effect::Effect;
use crate::lapic::icr::Icr;
use crate::lapic::lvt::{Esr, LvtKind};
use crate::lapic::{APIC_VERSION, ApicMode, LocalApic};
use crate::message::Shorthand;

/// A kind of local APIC register (with an index for the 8-word arrays).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegKind {
    /// Local APIC ID.
    Id,
    /// Local APIC version.
    Version,
    /// Task priority.
    Tpr,
    /// Arbitration priority (xAPIC only).
    Apr,
    /// Processor priority.
    Ppr,
    /// End of interrupt.
    Eoi,
    /// Remote read (xAPIC only; reads 0, remote read is not supported after the P6).
    RemoteRead,
    /// Logical destination.
    Ldr,
    /// Destination format (xAPIC only).
    Dfr,
    /// Spurious-interrupt vector.
    Svr,
    /// In-service, 8 words.
    Isr,
    /// Trigger mode, 8 words.
    Tmr,
    /// Interrupt request, 8 words.
    Irr,
    /// Error status.
    Esr,
    /// An LVT entry.
    Lvt(LvtKind),
    /// ICR bits 31:0 (xAPIC).
    IcrLow,
    /// ICR bits 63:32 (xAPIC).
    IcrHigh,
    /// The 64-bit ICR (x2APIC).
    Icr,
    /// Timer initial count.
    TimerInitial,
    /// Timer current count.
    TimerCurrent,
    /// Timer divide configuration.
    TimerDivide,
    /// SELF IPI (x2APIC only).
    SelfIpi,
}

/// Access rights of a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rights {
    /// Read and write.
    ReadWrite,
    /// Read only.
    ReadOnly,
    /// Write only.
    WriteOnly,
}

/// One row of a register map: `count` consecutive registers of one kind.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// Offset (xAPIC, bytes) or MSR number (x2APIC) of the first register.
    pub at: u32,
    /// Number of registers (8 for ISR/TMR/IRR, else 1).
    pub count: u32,
    /// Which register.
    pub kind: RegKind,
    /// Access rights.
    pub rights: Rights,
}

const fn row(at: u32, kind: RegKind, rights: Rights) -> Row {
    Row {
        at,
        count: 1,
        kind,
        rights,
    }
}

const fn array(at: u32, kind: RegKind) -> Row {
    Row {
        at,
        count: 8,
        kind,
        rights: Rights::ReadOnly,
    }
}

use RegKind as K;
use Rights::{ReadOnly as RO, ReadWrite as RW, WriteOnly as WO};

/// The xAPIC register page (SDM §11.4.1, Table 11-1); registers are 16 bytes apart.
pub const XAPIC_MAP: &[Row] = &[
    row(0x020, K::Id, RW),
    row(0x030, K::Version, RO),
    row(0x080, K::Tpr, RW),
    row(0x090, K::Apr, RO),
    row(0x0a0, K::Ppr, RO),
    row(0x0b0, K::Eoi, WO),
    row(0x0c0, K::RemoteRead, RO),
    row(0x0d0, K::Ldr, RW),
    row(0x0e0, K::Dfr, RW),
    row(0x0f0, K::Svr, RW),
    array(0x100, K::Isr),
    array(0x180, K::Tmr),
    array(0x200, K::Irr),
    row(0x280, K::Esr, RW),
    row(0x2f0, K::Lvt(LvtKind::Cmci), RW),
    row(0x300, K::IcrLow, RW),
    row(0x310, K::IcrHigh, RW),
    row(0x320, K::Lvt(LvtKind::Timer), RW),
    row(0x330, K::Lvt(LvtKind::Thermal), RW),
    row(0x340, K::Lvt(LvtKind::PerfMon), RW),
    row(0x350, K::Lvt(LvtKind::Lint0), RW),
    row(0x360, K::Lvt(LvtKind::Lint1), RW),
    row(0x370, K::Lvt(LvtKind::Error), RW),
    row(0x380, K::TimerInitial, RW),
    row(0x390, K::TimerCurrent, RO),
    row(0x3e0, K::TimerDivide, RW),
];

/// The x2APIC MSRs (SDM §11.12.1.2, Table 11-6). The ID and LDR are read-only in x2APIC mode.
pub const X2APIC_MAP: &[Row] = &[
    row(0x802, K::Id, RO),
    row(0x803, K::Version, RO),
    row(0x808, K::Tpr, RW),
    row(0x80a, K::Ppr, RO),
    row(0x80b, K::Eoi, WO),
    row(0x80d, K::Ldr, RO),
    row(0x80f, K::Svr, RW),
    array(0x810, K::Isr),
    array(0x818, K::Tmr),
    array(0x820, K::Irr),
    row(0x828, K::Esr, RW),
    row(0x82f, K::Lvt(LvtKind::Cmci), RW),
    row(0x830, K::Icr, RW),
    row(0x832, K::Lvt(LvtKind::Timer), RW),
    row(0x833, K::Lvt(LvtKind::Thermal), RW),
    row(0x834, K::Lvt(LvtKind::PerfMon), RW),
    row(0x835, K::Lvt(LvtKind::Lint0), RW),
    row(0x836, K::Lvt(LvtKind::Lint1), RW),
    row(0x837, K::Lvt(LvtKind::Error), RW),
    row(0x838, K::TimerInitial, RW),
    row(0x839, K::TimerCurrent, RO),
    row(0x83e, K::TimerDivide, RW),
    row(0x83f, K::SelfIpi, WO),
];

/// Find the register at `at` in `map`, with registers `stride` apart: (row, index in row).
pub fn lookup(map: &[Row], at: u32, stride: u32) -> Option<(Row, u32)> {
    map.iter().find_map(|r| {
        let rel = at.checked_sub(r.at)?;
        (rel % stride == 0 && rel / stride < r.count).then_some((*r, rel / stride))
    })
}

impl LocalApic {
    /// Read a register (`index` selects the word of ISR/TMR/IRR). Values are as the current
    /// mode shows them.
    pub fn read_reg(&self, kind: RegKind, index: u32, now: u64) -> u64 {
        let word = |s: &crate::vector::VectorSet| u64::from(s.word(index as usize));
        match kind {
            K::Id => match self.mode() {
                ApicMode::X2Apic => u64::from(self.initial_id),
                _ => u64::from(self.xapic_id) << 24,
            },
            K::Version => u64::from(APIC_VERSION),
            K::Tpr => u64::from(self.tpr),
            K::Apr => u64::from(self.apr()),
            K::Ppr => u64::from(self.ppr()),
            K::Eoi | K::RemoteRead | K::SelfIpi => 0,
            K::Ldr => u64::from(self.ldr()),
            K::Dfr => u64::from(self.dfr),
            K::Svr => u64::from(self.svr.0),
            K::Isr => word(&self.isr),
            K::Tmr => word(&self.tmr),
            K::Irr => word(&self.irr),
            K::Esr => u64::from(self.esr.0),
            K::Lvt(l) => u64::from(self.lvt(l).0),
            K::IcrLow => self.icr.0 & 0xffff_ffff,
            K::IcrHigh => self.icr.0 >> 32,
            K::Icr => self.icr.0,
            K::TimerInitial => u64::from(self.timer.initial_count()),
            K::TimerCurrent => u64::from(self.timer.current_count(self.timer_mode(), now)),
            K::TimerDivide => u64::from(self.timer.divide().0),
        }
    }

    /// Write a register; reserved bits of `value` are dropped. Returns the effect of the write
    /// (an IPI, an EOI broadcast).
    pub fn write_reg(&mut self, kind: RegKind, value: u64, now: u64) -> Option<Effect> {
        let v32 = value as u32;
        match kind {
            // SDM §11.4.6: the xAPIC ID is writable on the processors the model follows.
            K::Id => self.xapic_id = (v32 >> 24) as u8,
            K::Tpr => self.tpr = v32 as u8,
            K::Eoi => return self.eoi(),
            K::Ldr => self.ldr = v32 & 0xff00_0000,
            // SDM §11.6.2.2: bits 27:0 of the DFR are reserved and read as 1s.
            K::Dfr => self.dfr = v32 | 0x0fff_ffff,
            K::Svr => self.write_svr(v32),
            // SDM §11.5.3: a write latches the errors seen since the last write and clears
            // the internal log.
            K::Esr => {
                self.esr = self.esr_pending;
                self.esr_pending = Esr(0);
            }
            K::Lvt(l) => self.write_lvt(l, v32),
            K::IcrLow => {
                self.icr = Icr(self.icr.0 & !0xffff_ffff | value & Icr::LOW_WRITABLE);
                return self.send_icr();
            }
            K::IcrHigh => {
                let high = u64::from(v32 & Icr::XAPIC_HIGH_WRITABLE);
                self.icr = Icr(self.icr.0 & 0xffff_ffff | high << 32);
            }
            K::Icr => {
                self.icr = Icr(value & !Icr::X2APIC_RESERVED);
                return self.send_icr();
            }
            K::TimerInitial => self.timer.write_initial(self.timer_mode(), v32, now),
            K::TimerDivide => self.timer.write_divide(self.timer_mode(), v32, now),
            // SDM §11.12.11: SELF IPI is a fixed, edge-triggered IPI to self with the vector.
            K::SelfIpi => {
                let icr = Icr(0)
                    .with_vector(v32 as u8)
                    .with_shorthand(Shorthand::SelfOnly);
                let saved = core::mem::replace(&mut self.icr, icr);
                let effect = self.send_icr();
                self.icr = saved;
                return effect;
            }
            K::Version | K::Apr | K::Ppr | K::RemoteRead | K::Isr | K::Tmr | K::Irr => {}
            K::TimerCurrent => {}
        }
        None
    }

    /// Bits of `kind` that are reserved in x2APIC mode (a set one makes WRMSR #GP,
    /// SDM §11.12.1.3). Bits 63:32 of every register but the ICR are reserved too.
    pub fn x2apic_reserved_bits(kind: RegKind) -> u64 {
        let low = match kind {
            K::Tpr | K::SelfIpi => !0xffu32,
            K::Svr => !crate::lapic::lvt::Svr::WRITABLE,
            K::Lvt(l) => l.reserved(),
            K::Icr => return Icr::X2APIC_RESERVED,
            K::TimerDivide => !crate::lapic::timer::DivideConfig::WRITABLE,
            // EOI and ESR must be written with 0 (SDM §11.12.1.2, §11.5.3).
            K::Eoi | K::Esr => u32::MAX,
            _ => 0,
        };
        u64::from(low) | 0xffff_ffff_0000_0000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_and_disjoint(map: &[Row], stride: u32) -> bool {
        map.windows(2)
            .all(|w| w[0].at + w[0].count * stride <= w[1].at)
    }

    #[test]
    fn both_register_maps_are_sorted_and_disjoint() {
        assert!(sorted_and_disjoint(XAPIC_MAP, 16));
        assert!(sorted_and_disjoint(X2APIC_MAP, 1));
    }

    #[test]
    fn lookup_finds_array_words_and_rejects_gaps() {
        let (r, i) = lookup(XAPIC_MAP, 0x130, 16).unwrap();
        assert_eq!((r.kind, i), (RegKind::Isr, 3));
        assert!(lookup(XAPIC_MAP, 0x134, 16).is_none());
        assert!(lookup(XAPIC_MAP, 0x040, 16).is_none());
        assert!(
            lookup(X2APIC_MAP, 0x809, 1).is_none(),
            "no APR in x2APIC mode"
        );
        assert_eq!(lookup(X2APIC_MAP, 0x827, 1).unwrap().1, 7);
    }
}
