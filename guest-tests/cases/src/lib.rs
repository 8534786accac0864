//! The catalogue of conformance cases.
//!
//! Each case is one file: a `//!` doc with the spec section, the expected behaviour and why, and
//! a `pub const CASE: Case`. The same code runs in the guests (against the machine) and in the
//! host runner (against the reference model). The order of [`CATALOGUE`] is the order a guest
//! runs the cases in; the index of a case is its position here.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

use guest_kit::Case;

pub mod gic;
pub mod its;
pub mod sweep;
pub mod x86;

/// Every case, in run order: the GIC cases, the ITS cases, the x86 cases, then the register
/// sweeps (each group appended, so the index of every earlier case stays what it was).
pub static CATALOGUE: &[Case] = &join::<
    { gic::CASES.len() + its::CASES.len() + x86::CASES.len() + sweep::CASES.len() },
>(&[gic::CASES, its::CASES, x86::CASES, sweep::CASES]);

/// `parts` one after another, as an array of `N` cases, their total (a compile-time catalogue).
const fn join<const N: usize>(parts: &[&[Case]]) -> [Case; N] {
    let mut out = [parts[0][0]; N];
    let (mut part, mut at, mut i) = (0, 0, 0);
    while i < N {
        while at == parts[part].len() {
            (part, at) = (part + 1, 0);
        }
        out[i] = parts[part][at];
        (at, i) = (at + 1, i + 1);
    }
    out
}

/// The case with `id`, and its index.
pub fn find(id: &str) -> Option<(usize, &'static Case)> {
    CATALOGUE.iter().enumerate().find(|(_, c)| c.id == id)
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::CATALOGUE;
    use guest_kit::protocol::MAX_TOKEN;

    #[test]
    fn the_catalogue_is_each_group_in_turn_so_no_earlier_index_moves() {
        let groups = [
            super::gic::CASES,
            super::its::CASES,
            super::x86::CASES,
            super::sweep::CASES,
        ];
        let ids: std::vec::Vec<&str> = groups.iter().flat_map(|g| g.iter().map(|c| c.id)).collect();
        let catalogue: std::vec::Vec<&str> = CATALOGUE.iter().map(|c| c.id).collect();
        assert_eq!(catalogue, ids);
        assert_eq!(CATALOGUE[0].id, "gic.typer-it-lines");
        assert_eq!(CATALOGUE[282].id, super::x86::CASES.last().unwrap().id);
    }

    #[test]
    fn every_case_id_is_unique_and_travels_whole_in_its_start_record() {
        let mut seen = std::collections::BTreeSet::new();
        for case in CATALOGUE {
            assert!(seen.insert(case.id), "{} twice", case.id);
            assert!(
                case.id.len() <= MAX_TOKEN,
                "{} is {} bytes: the case start record cuts ids at {MAX_TOKEN}",
                case.id,
                case.id.len()
            );
            let wire = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(c);
            assert!(case.id.chars().all(wire), "{}: only [a-z0-9.-]", case.id);
        }
    }
}
