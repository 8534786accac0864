//! x86 local APIC cases (Intel SDM vol. 3 chapter 11), for the x86_64 guest.
//!
//! The kit keeps interrupts disabled except in [`guest_kit::Ctx::take_interrupts`] windows, so a
//! delivery is an observation like a register read; a case EOIs what it took.

use guest_kit::Case;

mod ioapic_version;
mod lapic_ids_distinct;
mod lapic_version;
mod lapic_version_same_on_every_cpu;
mod util;
mod vtd_version;
mod x2apic_eoi_read_gp;
mod x2apic_self_ipi;
mod xapic_dfr_models;
mod xapic_edge_ipi_tmr_clear;
mod xapic_eoi_clears_highest_isr;
mod xapic_esr_send_illegal_vector;
mod xapic_esr_write_before_read;
mod xapic_higher_class_preempts;
mod xapic_highest_pending_first;
mod xapic_illegal_vector_not_delivered;
mod xapic_ipi_to_other_cpu;
mod xapic_irr_coalesces;
mod xapic_irr_then_isr;
mod xapic_ldr_readback;
mod xapic_lvt_error_interrupt;
mod xapic_ppr_follows_isr;
mod xapic_ppr_follows_tpr;
mod xapic_repend_while_in_service;
mod xapic_same_class_waits_for_eoi;
mod xapic_soft_disable_masks_lvt;
mod xapic_svr_readback;
mod xapic_tpr_blocks_lower_class;
mod xapic_tpr_equal_class_blocks;

/// The x86 cases, in run order: identification, then delivery on one CPU, then across CPUs.
pub const CASES: &[Case] = &[
    lapic_version::CASE,
    ioapic_version::CASE,
    vtd_version::CASE,
    x2apic_eoi_read_gp::CASE,
    x2apic_self_ipi::CASE,
    xapic_tpr_blocks_lower_class::CASE,
    xapic_ipi_to_other_cpu::CASE,
    lapic_ids_distinct::CASE,
    lapic_version_same_on_every_cpu::CASE,
    xapic_ppr_follows_tpr::CASE,
    xapic_ppr_follows_isr::CASE,
    xapic_tpr_equal_class_blocks::CASE,
    xapic_higher_class_preempts::CASE,
    xapic_same_class_waits_for_eoi::CASE,
    xapic_highest_pending_first::CASE,
    xapic_eoi_clears_highest_isr::CASE,
    xapic_irr_then_isr::CASE,
    xapic_edge_ipi_tmr_clear::CASE,
    xapic_irr_coalesces::CASE,
    xapic_repend_while_in_service::CASE,
    xapic_svr_readback::CASE,
    xapic_soft_disable_masks_lvt::CASE,
    xapic_esr_send_illegal_vector::CASE,
    xapic_esr_write_before_read::CASE,
    xapic_illegal_vector_not_delivered::CASE,
    xapic_lvt_error_interrupt::CASE,
    xapic_ldr_readback::CASE,
    xapic_dfr_models::CASE,
];
