//! ITS and LPI cases (IHI 0069H chapter 5 and §12.19). Each maps what it uses through the ITS
//! and removes it again ([`setup`]); the kit's reset gives every case an enabled, empty ITS and
//! disabled LPIs.

use guest_kit::Case;

mod baser_read_only;
mod cbaser_readback;
mod clear_drops_pending;
mod creadr_advances;
mod ctlr_enable;
mod cwriter_readback;
mod devices_isolated;
mod disable_without_inv;
mod disabled_lpi_held;
mod discard_drops_pending;
mod enable_lpis_preset_pending;
mod enable_without_inv;
mod err_discard_unmapped_event;
mod err_int_unmapped_device;
mod err_int_unmapped_event;
mod err_invall_unmapped_collection;
mod err_mapc_rdbase_oor;
mod err_mapd_device_oor;
mod err_mapd_ittsize_oor;
mod err_mapti_event_oor;
mod err_mapti_pintid_oor;
mod err_mapti_unmapped_device;
mod err_movi_unmapped_collection;
mod gicd_typer_lpis;
mod gicr_ctlr_enable_lpis;
mod gicr_pendbaser;
mod gicr_propbaser;
mod gicr_typer_plpis;
mod id_registers;
mod int_delivers_lpi;
mod int_twice_once;
mod inv_one_event;
mod inv_priority_change;
mod invall_collection;
mod lpi_eoimode_split;
mod lpi_group1_gate;
mod lpi_on_cpu1;
mod lpi_preempts_lower_sgi;
mod lpi_priority_order;
mod lpi_repend_while_handled;
mod mapc_remap_collection;
mod mapi_eventid_is_lpi;
mod movall_pending;
mod movi_not_pending;
mod movi_pending;
mod movi_same_cpu;
mod msi_from_device;
mod pmr_masks_lpi;
pub mod setup;
mod sgi_blocks_lower_lpi;
mod sixteen_lpis_in_order;
mod typer;
mod typer_fields;

/// The ITS cases, in run order: registers, then commands, then delivery, then command errors.
pub const CASES: &[Case] = &[
    typer::CASE,
    ctlr_enable::CASE,
    id_registers::CASE,
    typer_fields::CASE,
    baser_read_only::CASE,
    cbaser_readback::CASE,
    cwriter_readback::CASE,
    gicd_typer_lpis::CASE,
    gicr_typer_plpis::CASE,
    gicr_ctlr_enable_lpis::CASE,
    gicr_propbaser::CASE,
    gicr_pendbaser::CASE,
    creadr_advances::CASE,
    int_delivers_lpi::CASE,
    msi_from_device::CASE,
    enable_lpis_preset_pending::CASE,
    disabled_lpi_held::CASE,
    clear_drops_pending::CASE,
    lpi_priority_order::CASE,
    lpi_repend_while_handled::CASE,
    movi_pending::CASE,
    movall_pending::CASE,
    mapi_eventid_is_lpi::CASE,
    invall_collection::CASE,
    inv_one_event::CASE,
    enable_without_inv::CASE,
    disable_without_inv::CASE,
    discard_drops_pending::CASE,
    movi_not_pending::CASE,
    movi_same_cpu::CASE,
    mapc_remap_collection::CASE,
    inv_priority_change::CASE,
    devices_isolated::CASE,
    pmr_masks_lpi::CASE,
    lpi_eoimode_split::CASE,
    sgi_blocks_lower_lpi::CASE,
    lpi_preempts_lower_sgi::CASE,
    sixteen_lpis_in_order::CASE,
    lpi_on_cpu1::CASE,
    int_twice_once::CASE,
    lpi_group1_gate::CASE,
    err_int_unmapped_device::CASE,
    err_int_unmapped_event::CASE,
    err_mapti_event_oor::CASE,
    err_mapti_pintid_oor::CASE,
    err_mapd_device_oor::CASE,
    err_mapd_ittsize_oor::CASE,
    err_mapc_rdbase_oor::CASE,
    err_movi_unmapped_collection::CASE,
    err_discard_unmapped_event::CASE,
    err_invall_unmapped_collection::CASE,
    err_mapti_unmapped_device::CASE,
];
