//! The I/O APIC (Intel 82093AA datasheet §3): the MMIO window and the indirect registers.

use core::fmt;

/// IOREGSEL: selects the indirect register (8-bit writes allowed, §3.1.1).
pub const IOREGSEL: u32 = 0x00;
/// IOWIN: the selected register's data (§3.1.2).
pub const IOWIN: u32 = 0x10;
/// EOI register of later IOAPICs (version 0x20 and up): a vector written here clears the
/// Remote IRR of the level-triggered entries with that vector.
pub const EOI: u32 = 0x40;

/// Indirect register IOAPICID.
pub const REG_ID: u32 = 0x00;
/// Indirect register IOAPICVER (§3.2.2).
pub const REG_VERSION: u32 = 0x01;
/// Indirect register IOAPICARB.
pub const REG_ARB: u32 = 0x02;
/// Indirect register of the low half of redirection entry `pin` (§3.2.4); the high half is
/// the next one.
pub const fn redirection_low(pin: u8) -> u32 {
    0x10 + 2 * pin as u32
}

/// IOAPICVER (§3.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version(pub u32);

impl Version {
    /// Bits 7:0: the version (0x11 for the 82093AA, 0x20 with the EOI register).
    pub const fn version(self) -> u8 {
        self.0 as u8
    }
    /// Bits 23:16 + 1: the number of redirection entries.
    pub const fn pins(self) -> u16 {
        ((self.0 >> 16) & 0xff) as u16 + 1
    }
}

/// Redirection entry bit 16: the pin is masked (§3.2.4).
pub const REDIRECTION_MASKED: u64 = 1 << 16;

/// A redirection table entry (82093AA §3.2.4): the low half is indirect register
/// [`redirection_low`], the high half the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Redirection(pub u64);

impl Redirection {
    /// Bits 10:8 = 001: lowest priority delivery.
    pub const LOWEST_PRIORITY: u64 = 0b001 << 8;
    /// Bit 11: logical destination mode.
    pub const LOGICAL: u64 = 1 << 11;
    /// Bit 12: delivery status (send pending), read only.
    pub const SEND_PENDING: u64 = 1 << 12;
    /// Bit 13: input pin polarity, active low.
    pub const ACTIVE_LOW: u64 = 1 << 13;
    /// Bit 14: remote IRR, read only (level entries: set when the LAPIC accepts, cleared by
    /// the EOI of the vector).
    pub const REMOTE_IRR: u64 = 1 << 14;
    /// Bit 15: level trigger mode.
    pub const LEVEL: u64 = 1 << 15;
    /// Bit 16: masked.
    pub const MASKED: u64 = REDIRECTION_MASKED;

    /// An unmasked, edge, active-high, fixed, physical entry of `vector` to APIC ID `dest`
    /// (bits 63:56).
    pub const fn fixed(vector: u8, dest: u8) -> Redirection {
        Redirection((dest as u64) << 56 | vector as u64)
    }
    /// This entry with `bits` (the constants above) set.
    pub const fn with(self, bits: u64) -> Redirection {
        Redirection(self.0 | bits)
    }
    /// A remappable-format entry naming IRTE `handle`, edge, unmasked (Intel VT-d §5.1.5.1:
    /// bit 48 = 1, handle bits 14:0 in bits 63:49 and bit 15 in bit 11, delivery mode 000);
    /// `vector` should equal the IRTE's, which the EOI of a level entry matches on.
    pub const fn remappable(handle: u16, vector: u8) -> Redirection {
        Redirection(
            ((handle as u64) & 0x7fff) << 49
                | 1 << 48
                | ((handle as u64) >> 15 & 1) << 11
                | vector as u64,
        )
    }
    /// The low half (indirect register [`redirection_low`]).
    pub const fn low(self) -> u32 {
        self.0 as u32
    }
    /// The high half.
    pub const fn high(self) -> u32 {
        (self.0 >> 32) as u32
    }
    /// Bits 7:0: the vector.
    pub const fn vector(self) -> u8 {
        self.0 as u8
    }
}

/// The name of the MMIO register at `offset`.
pub fn name(offset: u32, out: &mut dyn fmt::Write) -> fmt::Result {
    match offset {
        IOREGSEL => out.write_str("IOREGSEL"),
        IOWIN => out.write_str("IOWIN"),
        EOI => out.write_str("IOAPIC_EOI"),
        _ => write!(out, "IOAPIC+{offset:#x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_ioapic_version_has_24_pins() {
        let v = Version(0x0017_0020);
        assert_eq!((v.version(), v.pins()), (0x20, 24));
        assert_eq!(redirection_low(2), 0x14);
        let r = Redirection::remappable(0x8001, 0x89);
        assert_eq!((r.high(), r.low()), (0x0003_0000, 0x0000_0889));
    }
}
