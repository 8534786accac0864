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

/// Every case, in run order.
pub static CATALOGUE: &[Case] = gic::CASES;

/// The case with `id`, and its index.
pub fn find(id: &str) -> Option<(usize, &'static Case)> {
    CATALOGUE.iter().enumerate().find(|(_, c)| c.id == id)
}
