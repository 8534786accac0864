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
pub mod x86;

/// The Arm cases: the GIC cases, then the ITS cases.
const ARM: [Case; gic::CASES.len() + its::CASES.len()] = concat(gic::CASES, its::CASES);

/// Every case, in run order: the GIC cases, the ITS cases, then the x86 cases (appended, so the
/// index of every earlier case stays what it was).
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
