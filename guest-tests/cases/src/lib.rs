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

/// The Arm cases: the GIC cases, then the ITS cases.
const ARM: [Case; gic::CASES.len() + its::CASES.len()] = concat(gic::CASES, its::CASES);

/// Every case, in run order: the GIC cases, the ITS cases, then the x86 cases (appended, so the
/// index of every earlier case stays what it was). The register sweeps ([`sweep::CASES`]) are
/// not in it yet: they join at its end once what they find on every backend is triaged.
pub static CATALOGUE: &[Case] = &concat::<{ ARM.len() + x86::CASES.len() }>(&ARM, x86::CASES);

/// `a` followed by `b`, as an array of `N = a.len() + b.len()` cases (a compile-time catalogue).
const fn concat<const N: usize>(a: &[Case], b: &[Case]) -> [Case; N] {
    let mut out = [a[0]; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
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
