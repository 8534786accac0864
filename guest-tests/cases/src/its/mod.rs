//! ITS and LPI cases (IHI 0069H chapter 5 and §12.19). Each maps what it uses through the ITS
//! and removes it again ([`setup`]); the kit's reset gives every case an enabled, empty ITS and
//! disabled LPIs.

use guest_kit::Case;

mod clear_drops_pending;
mod creadr_advances;
mod disabled_lpi_held;
mod int_delivers_lpi;
mod lpi_priority_order;
mod lpi_repend_while_handled;
mod movall_pending;
mod movi_pending;
pub mod setup;
mod typer;

/// The ITS cases, in run order.
pub const CASES: &[Case] = &[
    typer::CASE,
    creadr_advances::CASE,
    int_delivers_lpi::CASE,
    disabled_lpi_held::CASE,
    clear_drops_pending::CASE,
    lpi_priority_order::CASE,
    lpi_repend_while_handled::CASE,
    movi_pending::CASE,
    movall_pending::CASE,
];
