//! The sweep procedure: the patterns one register is written with, each read back, and the
//! registers of a block that stand for the whole block.
//!
//! Nothing here knows what a register should read: the model, run in lockstep, does. A sweep
//! only makes every legal access and records what it saw, so that any departure from the model
//! shows, on any register, for any value.

use guest_kit::{Ctx, Site, Width};

/// Which values a sweep writes into a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Patterns {
    /// All ones, all zeros, then one bit at a time from bit 0 (walking ones), then all zeros
    /// again: every bit alone, for the registers that stand for a kind (the first of a block).
    Walking,
    /// All ones, then all zeros: for the registers whose bits all behave alike (a block's
    /// further registers, reserved offsets).
    Solid,
}

/// The values written to a register `width` wide, in order, each followed by a read back.
pub fn patterns(width: Width, kind: Patterns) -> impl Iterator<Item = u64> {
    let bits = u32::from(width.bytes()) * 8;
    let ones = u64::MAX >> (64 - bits);
    let walking = match kind {
        Patterns::Walking => 0..bits,
        Patterns::Solid => 0..0,
    };
    [ones, 0]
        .into_iter()
        .chain(walking.map(|bit| 1u64 << bit))
        .chain(matches!(kind, Patterns::Walking).then_some(0))
}

/// One register to sweep: where, how wide, how its reads are recorded, and the bits a legal
/// write must keep set.
#[derive(Clone, Copy, Debug)]
pub struct Register {
    /// Where.
    pub site: Site,
    /// The access width.
    pub width: Width,
    /// How its reads are recorded.
    pub reading: Reading,
    /// Bits set in every value written.
    pub keep: u64,
}

/// What a read of a swept register records: the architected bits as the read; the bits whose
/// value the implementation chooses (`free`) as an implementation-defined value of their own,
/// so that a choice is a `diverge` and every other bit is judged; and of the RES0 bits
/// (`res0`), a check that they read 0 or the value last written (the two behaviours the Arm
/// architecture allows a RES0 bit of a writable register); of RAZ/WI bits (`raz`), a check that
/// they read 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The bits whose value is the implementation's choice.
    pub free: u64,
    /// Their label.
    pub label: &'static str,
    /// The RES0 bits.
    pub res0: u64,
    /// Bits that must read as zero whatever was written (RAZ/WI), checked as `raz`.
    pub raz: u64,
}

impl Reading {
    /// Every bit is architected.
    pub const EXACT: Reading = Reading {
        free: 0,
        label: "",
        res0: 0,
        raz: 0,
    };

    /// Reads `site`, last written with `written`, and records it.
    fn read(&self, ctx: &mut Ctx<'_>, site: Site, width: Width, written: u64) {
        let split = self.free | self.res0 | self.raz;
        if split == 0 {
            ctx.read(site, width);
            return;
        }
        let value = ctx.read_split(site, width, split, self.label);
        if self.res0 != 0 {
            let res0 = value & self.res0;
            ctx.check(
                "res0-reads-0-or-last-written",
                res0 == 0 || res0 == written & self.res0,
            );
        }
        if self.raz != 0 {
            ctx.check("raz", value & self.raz == 0);
        }
    }
}

/// Sweeps `register`: reads it, then writes each of `kind`'s [`patterns`] (with the bits it
/// must keep set) and reads it back.
pub fn sweep(ctx: &mut Ctx<'_>, register: Register, kind: Patterns) {
    let Register {
        site,
        width,
        reading,
        keep,
    } = register;
    reading.read(ctx, site, width, 0);
    for value in patterns(width, kind) {
        ctx.write(site, width, value | keep);
        reading.read(ctx, site, width, value | keep);
    }
}

/// The part of the word-wide `mask` that an access of `width` at byte `offset` covers, in the
/// access's own bit positions (a doubleword access covers `mask` whole).
pub fn part(mask: u64, offset: u32, width: Width) -> u64 {
    match width {
        Width::B64 => mask,
        _ => {
            let bits = u32::from(width.bytes()) * 8;
            (mask >> ((offset % 4) * 8)) & (u64::MAX >> (64 - bits))
        }
    }
}

/// The registers of a block of `count` that stand for all of it: the first two, the last the
/// implementation backs (`implemented` of them) and the one after it (the first that backs
/// nothing, whose bits are for lines that do not exist), and the block's last. Ascending,
/// without repeats.
pub fn samples(count: u32, implemented: u32) -> impl Iterator<Item = u32> {
    let last_backed = implemented.min(count).saturating_sub(1);
    let mut picks = [0, 1, last_backed, last_backed + 1, count.saturating_sub(1)];
    picks.sort_unstable();
    let mut previous = None;
    picks.into_iter().filter(move |&n| {
        let fresh = n < count && previous != Some(n);
        previous = Some(n);
        fresh
    })
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    #[test]
    fn a_word_is_written_ones_zeros_then_each_bit_alone_then_zeros() {
        let p: Vec<u64> = patterns(Width::B32, Patterns::Walking).collect();
        assert_eq!(p.len(), 2 + 32 + 1);
        assert_eq!(&p[..3], &[0xffff_ffff, 0, 1]);
        assert_eq!(p[33], 1 << 31);
        assert_eq!(p[34], 0);
        let bytes: Vec<u64> = patterns(Width::B8, Patterns::Walking).collect();
        assert_eq!(bytes[0], 0xff);
        assert_eq!(
            patterns(Width::B64, Patterns::Walking).next(),
            Some(u64::MAX)
        );
        let solid: Vec<u64> = patterns(Width::B32, Patterns::Solid).collect();
        assert_eq!(solid, [0xffff_ffff, 0]);
    }

    #[test]
    fn a_byte_access_covers_its_byte_of_a_word_mask() {
        assert_eq!(part(0x0707_0700, 1, Width::B8), 0x07);
        assert_eq!(part(0x0707_0700, 0, Width::B8), 0);
        assert_eq!(part(0x0707_0700, 4, Width::B32), 0x0707_0700);
        assert_eq!(part(u64::MAX, 0, Width::B64), u64::MAX);
    }

    #[test]
    fn samples_take_both_ends_and_the_edge_of_what_is_backed() {
        let s: Vec<u32> = samples(32, 3).collect();
        assert_eq!(s, [0, 1, 2, 3, 31]);
        // Everything backed: the edge is the block's end.
        let s: Vec<u32> = samples(4, 4).collect();
        assert_eq!(s, [0, 1, 3]);
        let s: Vec<u32> = samples(1, 1).collect();
        assert_eq!(s, [0]);
    }
}
