//! Register layouts as seen by a guest: offsets named as in the specifications, and typed
//! bitfields for the registers whose fields cases read.
//!
//! These are *encodings* only. The reference model transcribes behaviour from the specifications
//! on its own, so a guest and the model cannot share one bug.

pub mod gicc;
pub mod gicd;
pub mod gicr;
pub mod gits;
pub mod icc;
pub mod ioapic;
pub mod lapic;
pub mod msi;
pub mod vtd;

use crate::Site;

/// The specification's name of a register site, for reports (`GICD_ISPENDR1`).
pub fn spec_name(site: Site, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
    match site {
        Site::Gicd(offset) => gicd::name(offset, out),
        Site::Gicr { frame, offset, cpu } => {
            gicr::name(frame, offset, out)?;
            write!(out, " (CPU {cpu})")
        }
        Site::Gicc(offset) => gicc::name(offset, out),
        Site::Icc(reg) => out.write_str(reg.spec_name()),
        Site::Timer(reg) => out.write_str(reg.spec_name()),
        Site::Gits(offset) => gits::name(offset, out),
        Site::Lapic(offset) => lapic::name(offset, out),
        Site::Msr(msr) => lapic::msr_name(msr, out),
        Site::Ioapic(offset) => ioapic::name(offset, out),
        Site::Dmar(offset) => vtd::name(offset, out),
    }
}

/// A block of per-interrupt registers: `base` plus `bits` bits per INTID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IrqBank {
    /// Spec name without the index (e.g. `GICD_ISPENDR`).
    pub name: &'static str,
    /// Offset of register 0.
    pub base: u32,
    /// Bits per interrupt (1, 2 or 8).
    pub bits: u32,
    /// Number of bytes the block spans.
    pub len: u32,
}

impl IrqBank {
    /// The offset of the 32-bit register holding `intid`, and the shift of its field.
    pub const fn locate(&self, intid: u32) -> (u32, u32) {
        let bit = intid * self.bits;
        (self.base + (bit / 32) * 4, bit % 32)
    }
    /// Whether `offset` falls in this block, and at which register index.
    pub const fn index_of(&self, offset: u32) -> Option<u32> {
        if offset >= self.base && offset < self.base + self.len {
            Some((offset - self.base) / 4)
        } else {
            None
        }
    }
}

/// Writes `name` or `name<n>` for an offset in one of `banks`, or the fixed register name, or
/// `reserved+0x...`.
fn name_in(
    fixed: &[(u32, &str)],
    banks: &[IrqBank],
    prefix: &str,
    offset: u32,
    out: &mut dyn core::fmt::Write,
) -> core::fmt::Result {
    if let Some((_, name)) = fixed.iter().find(|(o, _)| *o == offset) {
        return out.write_str(name);
    }
    for bank in banks {
        if let Some(n) = bank.index_of(offset) {
            return write!(out, "{}{n}", bank.name);
        }
    }
    write!(out, "{prefix}+{offset:#x}")
}
