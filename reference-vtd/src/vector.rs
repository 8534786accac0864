//! Interrupt vectors and 256-bit vector sets (IRR, ISR, TMR, PIR).
//!
//! Invariants:
//! - A [`Vector`] is any of the 256 vector numbers; whether it is usable is a question asked of
//!   it ([`Vector::is_illegal`]), never a reason to panic (SDM vol. 3 §11.5.2: the local APIC
//!   treats vectors 0-15 as illegal; 16-31 are reserved for exceptions but *not* illegal).
//! - A [`VectorSet`] is eight 32-bit words, word `n` holding vectors `32n ..= 32n + 31`: the
//!   layout of the IRR/ISR/TMR register arrays (SDM §11.8.4, Figure 11-20) and of the PIR in a
//!   posted-interrupt descriptor (VT-d §9.11, SDM §30.6).

use core::fmt;

/// An interrupt vector (0..=255).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Vector(pub u8);

impl Vector {
    /// The priority class, bits 7:4 (SDM §11.8.3).
    pub fn priority_class(self) -> u8 {
        self.0 >> 4
    }

    /// Vectors 0-15 are illegal for the local APIC: sending or receiving one sets the ESR
    /// illegal-vector bits instead of delivering (SDM §11.5.2).
    pub fn is_illegal(self) -> bool {
        self.0 < 16
    }
}

impl fmt::Debug for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vector({:#04x})", self.0)
    }
}

impl From<u8> for Vector {
    fn from(v: u8) -> Vector {
        Vector(v)
    }
}

/// A set of vectors: one bit per vector, as the APIC's 256-bit registers hold them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct VectorSet {
    words: [u32; 8],
}

impl VectorSet {
    /// The empty set.
    pub const fn new() -> VectorSet {
        VectorSet { words: [0; 8] }
    }

    /// The set whose 32-bit words are `words` (word `n` = vectors `32n ..`).
    pub const fn from_words(words: [u32; 8]) -> VectorSet {
        VectorSet { words }
    }

    /// The eight 32-bit words.
    pub const fn words(&self) -> [u32; 8] {
        self.words
    }

    /// Word `n` (0..8); 0 for any other `n`.
    pub fn word(&self, n: usize) -> u32 {
        self.words.get(n).copied().unwrap_or(0)
    }

    /// Is `v` in the set?
    pub fn contains(&self, v: Vector) -> bool {
        self.words[usize::from(v.0 >> 5)] & (1 << (v.0 & 31)) != 0
    }

    /// Add `v`; returns whether it was absent.
    pub fn insert(&mut self, v: Vector) -> bool {
        let was = self.contains(v);
        self.words[usize::from(v.0 >> 5)] |= 1 << (v.0 & 31);
        !was
    }

    /// Remove `v`; returns whether it was present.
    pub fn remove(&mut self, v: Vector) -> bool {
        let was = self.contains(v);
        self.words[usize::from(v.0 >> 5)] &= !(1 << (v.0 & 31));
        was
    }

    /// The highest vector in the set.
    pub fn highest(&self) -> Option<Vector> {
        (0..8).rev().find_map(|n| {
            let w = self.words[n];
            (w != 0).then(|| Vector((n as u8) * 32 + (31 - w.leading_zeros() as u8)))
        })
    }

    /// Is the set empty?
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// Number of vectors in the set.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The union of both sets.
    pub fn union(&self, other: &VectorSet) -> VectorSet {
        let mut words = self.words;
        for (w, o) in words.iter_mut().zip(other.words) {
            *w |= o;
        }
        VectorSet { words }
    }

    /// The vectors, ascending.
    pub fn iter(&self) -> impl Iterator<Item = Vector> + '_ {
        (0..=255u8).map(Vector).filter(|v| self.contains(*v))
    }
}

impl fmt::Debug for VectorSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(|v| v.0)).finish()
    }
}

impl FromIterator<Vector> for VectorSet {
    fn from_iter<I: IntoIterator<Item = Vector>>(iter: I) -> VectorSet {
        let mut s = VectorSet::new();
        for v in iter {
            s.insert(v);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_below_16_are_illegal_and_16_to_31_are_not() {
        assert!(Vector(15).is_illegal());
        assert!(!Vector(16).is_illegal());
        assert!(!Vector(31).is_illegal());
    }

    #[test]
    fn highest_finds_the_top_vector_across_words() {
        let mut s = VectorSet::new();
        assert_eq!(s.highest(), None);
        s.insert(Vector(0x31));
        s.insert(Vector(0xe0));
        s.insert(Vector(0x20));
        assert_eq!(s.highest(), Some(Vector(0xe0)));
        assert_eq!(s.word(7), 1);
        s.remove(Vector(0xe0));
        assert_eq!(s.highest(), Some(Vector(0x31)));
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn the_priority_class_is_the_high_nibble() {
        assert_eq!(Vector(0x5f).priority_class(), 5);
    }
}
