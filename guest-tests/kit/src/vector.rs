//! x86 interrupt vectors (Intel SDM vol. 3 §6.2 and §11.5.2): 0-31 are exceptions, 32-255 are
//! external and APIC interrupts. [`Taken`] is what one interrupt window delivered.

use core::fmt;

/// An x86 interrupt or exception vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Vector(u8);

impl Vector {
    /// #DE, divide error.
    pub const DIVIDE_ERROR: Vector = Vector(0);
    /// NMI, the non-maskable interrupt: what an NMI delivery (ICR or LVT delivery mode 100)
    /// arrives as, whatever the vector field says (SDM vol. 3 §6.7, §11.6.1).
    pub const NMI: Vector = Vector(2);
    /// #UD, invalid opcode.
    pub const INVALID_OPCODE: Vector = Vector(6);
    /// #DF, double fault.
    pub const DOUBLE_FAULT: Vector = Vector(8);
    /// #GP, general protection: what RDMSR/WRMSR of an unimplemented MSR or a reserved bit
    /// raise (SDM vol. 3 §11.12.1.2 for the x2APIC MSRs).
    pub const GENERAL_PROTECTION: Vector = Vector(13);
    /// #PF, page fault.
    pub const PAGE_FAULT: Vector = Vector(14);
    /// The first vector that is not an exception.
    pub const FIRST_INTERRUPT: u8 = 32;

    /// The vector with number `n`.
    pub const fn new(n: u8) -> Vector {
        Vector(n)
    }
    /// The vector number.
    pub const fn raw(self) -> u8 {
        self.0
    }
    /// The priority class, bits 7:4 (SDM vol. 3 §11.8.3.1).
    pub const fn class(self) -> u8 {
        self.0 >> 4
    }
    /// Whether this is an exception vector (0-31).
    pub const fn is_exception(self) -> bool {
        self.0 < Self::FIRST_INTERRUPT
    }
    /// Whether the CPU pushes an error code for this exception (SDM vol. 3 §6.15, table 6-1):
    /// #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX.
    pub const fn has_error_code(self) -> bool {
        matches!(self.0, 8 | 10..=14 | 17 | 21 | 29 | 30)
    }
    /// The bit of this vector in a 256-bit APIC register array (IRR, ISR, TMR): the 32-bit
    /// register index (registers 16 bytes apart) and the bit in it (SDM vol. 3 §11.8.4).
    pub const fn bank_bit(self) -> (u32, u32) {
        (self.0 as u32 / 32, self.0 as u32 % 32)
    }
}

impl fmt::Display for Vector {
    /// `0x31`: the wire form of a vector.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// The most vectors one window reports; a window that took more is a storm, cut here.
pub const MAX_TAKEN: usize = 16;

/// The vectors one interrupt window took, in the order the CPU took them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Taken {
    vectors: [Vector; MAX_TAKEN],
    len: usize,
}

impl Taken {
    /// Appends `vector`; returns `false` (and drops it) when the list is full.
    pub fn push(&mut self, vector: Vector) -> bool {
        if self.len == MAX_TAKEN {
            return false;
        }
        self.vectors[self.len] = vector;
        self.len += 1;
        true
    }
    /// The vectors taken, oldest first.
    pub fn as_slice(&self) -> &[Vector] {
        &self.vectors[..self.len]
    }
    /// Whether the window closed empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The first vector taken.
    pub fn first(&self) -> Option<Vector> {
        self.as_slice().first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_class_is_the_upper_nibble() {
        assert_eq!(Vector::new(0x31).class(), 3);
        assert_eq!(Vector::new(0xef).class(), 0xe);
    }

    #[test]
    fn only_the_architectural_exceptions_push_an_error_code() {
        let with: Vec<u8> = (0..32)
            .filter(|&v| Vector::new(v).has_error_code())
            .collect();
        assert_eq!(with, [8, 10, 11, 12, 13, 14, 17, 21, 29, 30]);
    }

    #[test]
    fn vectors_land_in_their_32_bit_apic_register() {
        assert_eq!(Vector::new(0x31).bank_bit(), (1, 17));
        assert_eq!(Vector::new(0xff).bank_bit(), (7, 31));
    }

    #[test]
    fn taken_keeps_order_and_stops_at_capacity() {
        let mut t = Taken::default();
        assert!(t.is_empty());
        for v in 0..MAX_TAKEN as u8 {
            assert!(t.push(Vector::new(0x40 + v)));
        }
        assert!(!t.push(Vector::new(0x99)));
        assert_eq!(t.first(), Some(Vector::new(0x40)));
        assert_eq!(t.as_slice().len(), MAX_TAKEN);
    }
}
