//! Interrupt identifiers (IHI 0069H §2.2, IHI 0048B §2.2.1): SGIs 0-15, PPIs 16-31, SPIs 32-1019,
//! special IDs 1020-1023, LPIs from 8192.

use core::fmt;

/// A GIC interrupt ID (INTID). The constructors check the range of each class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IntId(u32);

impl IntId {
    /// The special ID returned by an acknowledge when nothing is pending (IHI 0069H §2.2.1).
    pub const SPURIOUS: Self = Self(1023);
    /// The virtual timer's PPI on the Arm base system architecture (INTID 27, PPI 11).
    pub const VIRTUAL_TIMER: Self = Self(27);
    /// The first SPI.
    pub const FIRST_SPI: u32 = 32;

    /// SGI `n` (0..16).
    pub const fn sgi(n: u32) -> Self {
        assert!(n < 16);
        Self(n)
    }
    /// PPI `n` (0..16), i.e. INTID 16 + n.
    pub const fn ppi(n: u32) -> Self {
        assert!(n < 16);
        Self(16 + n)
    }
    /// SPI `n` (0..988), i.e. INTID 32 + n.
    pub const fn spi(n: u32) -> Self {
        assert!(n < 988);
        Self(32 + n)
    }
    /// An INTID from the raw value of an acknowledge or a register field.
    pub const fn from_raw(raw: u32) -> Self {
        Self(raw)
    }
    /// The raw INTID.
    pub const fn raw(self) -> u32 {
        self.0
    }
    /// Whether this is an SGI or a PPI (banked per CPU).
    pub const fn is_private(self) -> bool {
        self.0 < 32
    }
    /// Whether this is an SGI.
    pub const fn is_sgi(self) -> bool {
        self.0 < 16
    }
    /// Whether this is one of the special IDs 1020-1023.
    pub const fn is_special(self) -> bool {
        self.0 >= 1020 && self.0 <= 1023
    }
    /// The 32-interrupt register index (`n` in GICD_ISENABLER<n>) and the bit within it.
    pub const fn bank_bit(self) -> (u32, u32) {
        (self.0 / 32, self.0 % 32)
    }
}

impl fmt::Display for IntId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spi_numbering_starts_at_32() {
        assert_eq!(IntId::spi(0).raw(), 32);
        assert_eq!(IntId::spi(3).bank_bit(), (1, 3));
        assert!(!IntId::spi(0).is_private());
        assert!(IntId::ppi(11).is_private());
        assert_eq!(IntId::ppi(11), IntId::VIRTUAL_TIMER);
    }

    #[test]
    fn spurious_range_is_special() {
        assert!(IntId::SPURIOUS.is_special());
        assert!(IntId::from_raw(1020).is_special());
        assert!(!IntId::from_raw(1019).is_special());
    }
}
