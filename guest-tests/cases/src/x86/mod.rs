//! x86 cases, for the x86_64 guest: the local APIC in xAPIC and x2APIC mode (Intel SDM vol. 3
//! chapter 11), the IOAPIC (82093AA), MSIs (SDM §11.11), VT-d interrupt remapping and posting
//! (VT-d specification chapters 5, 6.5, 7, 9, 10). `util` holds the steps they share.
//!
//! The kit keeps interrupts disabled except in [`guest_kit::Ctx::take_interrupts`] windows, so a
//! delivery is an observation like a register read; a case EOIs what it took.

use guest_kit::Case;

mod ioapic_arb_read_only;
mod ioapic_edge_coalesces_in_service;
mod ioapic_edge_delivers;
mod ioapic_eoi_broadcast_suppressed;
mod ioapic_eoi_register_clears_remote_irr;
mod ioapic_eoi_register_idle;
mod ioapic_eoi_register_other_vector;
mod ioapic_id_readback;
mod ioapic_ioregsel_byte_write;
mod ioapic_ioregsel_readback;
mod ioapic_level_masked_then_unmasked;
mod ioapic_level_remote_irr;
mod ioapic_logical_destination;
mod ioapic_lowest_priority_exactly_one;
mod ioapic_masked_edge_lost;
mod ioapic_physical_to_cpu1;
mod ioapic_rte_per_pin;
mod ioapic_rte_read_only_bits;
mod ioapic_rte_readback;
mod ioapic_unimplemented_register;
mod ioapic_version;
mod ioapic_version_read_only;
mod lapic_ids_distinct;
mod lapic_version;
mod lapic_version_same_on_every_cpu;
mod lvt_error_readback;
mod lvt_lint_readback;
mod msi_logical_multicast;
mod msi_physical_fixed;
mod msi_physical_to_cpu1;
mod msi_redirection_hint_lowest_priority;
mod msi_to_absent_id_lost;
mod timer_current_count_decrements;
mod timer_divide_readback;
mod timer_illegal_vector_sets_esr;
mod timer_lvt_readback;
mod timer_masked_counts_silently;
mod timer_one_shot;
mod timer_periodic;
mod timer_tsc_deadline_arm_disarm;
mod timer_tsc_deadline_ignores_initial_count;
mod timer_tsc_deadline_past_fires;
mod util;
mod vtd_compat_blocked_without_cfi;
mod vtd_compat_passes_with_cfi;
mod vtd_fault_event_registers;
mod vtd_fault_index_beyond_table;
mod vtd_fault_not_present;
mod vtd_fault_sid_mismatch;
mod vtd_iec_invalidation_completes;
mod vtd_invalid_descriptor_iqe;
mod vtd_ioapic_remapped;
mod vtd_ire_and_cfi_status;
mod vtd_irta_latched_by_sirtp;
mod vtd_irte_change_needs_invalidation;
mod vtd_posted_ndst_follows_migration;
mod vtd_posted_on_set_no_second_notification;
mod vtd_posted_records_pir_and_notifies;
mod vtd_posted_sn_suppresses_notification;
mod vtd_posted_two_vectors_one_notification;
mod vtd_posted_urgent_overrides_sn;
mod vtd_queued_invalidation_enable;
mod vtd_remapped_msi_delivers;
mod vtd_remapped_msi_to_cpu1;
mod vtd_version;
mod vtd_wait_descriptor_writes_status;
mod x2apic_all_excluding_self;
mod x2apic_broadcast;
mod x2apic_cluster_multicast;
mod x2apic_disable_then_xapic;
mod x2apic_enable_from_xapic;
mod x2apic_eoi_nonzero_gp;
mod x2apic_eoi_order;
mod x2apic_eoi_read_gp;
mod x2apic_esr_illegal_vector;
mod x2apic_extd_without_en_gp;
mod x2apic_icr_single_msr;
mod x2apic_id_keeps_xapic_id;
mod x2apic_ipi_cluster;
mod x2apic_ipi_physical_other_cpu;
mod x2apic_ldr_derived_from_id;
mod x2apic_ldr_write_gp;
mod x2apic_nmi_ipi_other_cpu;
mod x2apic_read_only_write_gp;
mod x2apic_removed_registers_gp;
mod x2apic_reserved_msrs_gp;
mod x2apic_self_ipi;
mod x2apic_self_ipi_read_gp;
mod x2apic_self_ipi_reserved_bits_gp;
mod x2apic_timer_one_shot;
mod x2apic_to_xapic_gp;
mod x2apic_tpr_ppr;
mod x2apic_tpr_reserved_bits_gp;
mod xapic_dfr_models;
mod xapic_edge_ipi_tmr_clear;
mod xapic_eoi_clears_highest_isr;
mod xapic_esr_send_illegal_vector;
mod xapic_esr_write_before_read;
mod xapic_higher_class_preempts;
mod xapic_highest_pending_first;
mod xapic_icr_readback;
mod xapic_illegal_vector_not_delivered;
mod xapic_ipi_broadcast_physical;
mod xapic_ipi_logical_cluster;
mod xapic_ipi_logical_flat;
mod xapic_ipi_logical_flat_multicast;
mod xapic_ipi_to_absent_id_lost;
mod xapic_ipi_to_other_cpu;
mod xapic_irr_coalesces;
mod xapic_irr_then_isr;
mod xapic_ldr_readback;
mod xapic_lowest_priority_exactly_one;
mod xapic_lowest_priority_sequence;
mod xapic_lowest_priority_with_tpr;
mod xapic_lvt_error_interrupt;
mod xapic_nmi_ignores_tpr;
mod xapic_nmi_ipi_other_cpu;
mod xapic_nmi_to_software_disabled_apic;
mod xapic_ppr_follows_isr;
mod xapic_ppr_follows_tpr;
mod xapic_repend_while_in_service;
mod xapic_same_class_waits_for_eoi;
mod xapic_shorthand_all_excluding_self;
mod xapic_shorthand_all_including_self;
mod xapic_shorthand_self_ignores_destination;
mod xapic_soft_disable_masks_lvt;
mod xapic_svr_readback;
mod xapic_tpr_blocks_lower_class;
mod xapic_tpr_equal_class_blocks;

/// The x86 cases, in run order: appended as they were written (identification first), so the
/// index of every earlier case stays what it was.
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
    xapic_ipi_logical_flat::CASE,
    xapic_ipi_logical_flat_multicast::CASE,
    xapic_ipi_logical_cluster::CASE,
    xapic_ipi_broadcast_physical::CASE,
    xapic_shorthand_all_including_self::CASE,
    xapic_shorthand_all_excluding_self::CASE,
    xapic_shorthand_self_ignores_destination::CASE,
    xapic_lowest_priority_exactly_one::CASE,
    xapic_lowest_priority_with_tpr::CASE,
    xapic_ipi_to_absent_id_lost::CASE,
    xapic_icr_readback::CASE,
    lvt_lint_readback::CASE,
    lvt_error_readback::CASE,
    timer_lvt_readback::CASE,
    timer_divide_readback::CASE,
    timer_one_shot::CASE,
    timer_periodic::CASE,
    timer_masked_counts_silently::CASE,
    timer_current_count_decrements::CASE,
    timer_tsc_deadline_past_fires::CASE,
    timer_tsc_deadline_ignores_initial_count::CASE,
    timer_tsc_deadline_arm_disarm::CASE,
    x2apic_enable_from_xapic::CASE,
    x2apic_to_xapic_gp::CASE,
    x2apic_extd_without_en_gp::CASE,
    x2apic_disable_then_xapic::CASE,
    x2apic_ldr_derived_from_id::CASE,
    x2apic_ldr_write_gp::CASE,
    x2apic_removed_registers_gp::CASE,
    x2apic_reserved_msrs_gp::CASE,
    x2apic_read_only_write_gp::CASE,
    x2apic_eoi_nonzero_gp::CASE,
    x2apic_self_ipi_read_gp::CASE,
    x2apic_tpr_reserved_bits_gp::CASE,
    x2apic_self_ipi_reserved_bits_gp::CASE,
    x2apic_icr_single_msr::CASE,
    x2apic_ipi_physical_other_cpu::CASE,
    x2apic_ipi_cluster::CASE,
    x2apic_broadcast::CASE,
    x2apic_all_excluding_self::CASE,
    x2apic_id_keeps_xapic_id::CASE,
    x2apic_tpr_ppr::CASE,
    x2apic_esr_illegal_vector::CASE,
    x2apic_timer_one_shot::CASE,
    x2apic_eoi_order::CASE,
    ioapic_id_readback::CASE,
    ioapic_version_read_only::CASE,
    ioapic_arb_read_only::CASE,
    ioapic_rte_readback::CASE,
    ioapic_rte_read_only_bits::CASE,
    ioapic_ioregsel_byte_write::CASE,
    ioapic_ioregsel_readback::CASE,
    ioapic_unimplemented_register::CASE,
    ioapic_rte_per_pin::CASE,
    ioapic_eoi_register_idle::CASE,
    ioapic_edge_delivers::CASE,
    ioapic_level_remote_irr::CASE,
    ioapic_level_masked_then_unmasked::CASE,
    ioapic_masked_edge_lost::CASE,
    ioapic_edge_coalesces_in_service::CASE,
    ioapic_eoi_broadcast_suppressed::CASE,
    ioapic_physical_to_cpu1::CASE,
    ioapic_logical_destination::CASE,
    ioapic_lowest_priority_exactly_one::CASE,
    msi_physical_fixed::CASE,
    msi_physical_to_cpu1::CASE,
    msi_logical_multicast::CASE,
    msi_redirection_hint_lowest_priority::CASE,
    vtd_queued_invalidation_enable::CASE,
    vtd_irta_latched_by_sirtp::CASE,
    vtd_ire_and_cfi_status::CASE,
    vtd_wait_descriptor_writes_status::CASE,
    vtd_iec_invalidation_completes::CASE,
    vtd_invalid_descriptor_iqe::CASE,
    vtd_fault_event_registers::CASE,
    vtd_remapped_msi_delivers::CASE,
    vtd_remapped_msi_to_cpu1::CASE,
    vtd_fault_index_beyond_table::CASE,
    vtd_fault_not_present::CASE,
    vtd_fault_sid_mismatch::CASE,
    vtd_compat_blocked_without_cfi::CASE,
    vtd_compat_passes_with_cfi::CASE,
    vtd_irte_change_needs_invalidation::CASE,
    vtd_posted_records_pir_and_notifies::CASE,
    vtd_posted_sn_suppresses_notification::CASE,
    vtd_posted_urgent_overrides_sn::CASE,
    vtd_posted_on_set_no_second_notification::CASE,
    vtd_posted_two_vectors_one_notification::CASE,
    vtd_posted_ndst_follows_migration::CASE,
    ioapic_eoi_register_clears_remote_irr::CASE,
    ioapic_eoi_register_other_vector::CASE,
    msi_to_absent_id_lost::CASE,
    vtd_ioapic_remapped::CASE,
    x2apic_cluster_multicast::CASE,
    timer_illegal_vector_sets_esr::CASE,
    xapic_lowest_priority_sequence::CASE,
    xapic_nmi_ipi_other_cpu::CASE,
    xapic_nmi_ignores_tpr::CASE,
    xapic_nmi_to_software_disabled_apic::CASE,
    x2apic_nmi_ipi_other_cpu::CASE,
];
