//! GIC cases (GICv2: IHI 0048B; GICv3: IHI 0069H).
//!
//! [`CASES`] runs identification and register-behaviour cases first, then the interrupt state
//! machine, then the CPU interface (acknowledge, priority, preemption, EOI), then the timer.

use guest_kit::Case;

mod edge_spi_latches;
mod level_icpendr_while_high;
mod level_spi_follows_line;
mod level_spi_repends_while_high;
mod util;
mod wait;

mod active_and_pending;
mod active_set_clear;
mod binary_point_group;
mod binary_point_min;
mod cpuif_group_enable_gates;
mod disabled_active_pending;
mod dist_group_enable_gates;
mod edge_repend_while_active;
mod enable_gates_delivery;
mod enable_readback;
mod eoi_mode_split;
mod eoi_split_same_priority;
mod eoi_spurious_ignored;
mod hppir_no_ack;
mod hppir_pmr_masked;
mod hppir_running_masked;
mod icactiver_before_eoi;
mod icpendr_active_pending;
mod icpendr_clears_pending;
mod igroupr_readback;
mod iidr;
mod ipriorityr_byte_access;
mod ipriorityr_word_write;
mod level_ispendr_ack_clears;
mod pending_16_equal_priority;
mod pending_16_priority_order;
mod pmr_implemented_bits;
mod pmr_masks;
mod pmr_rpr_independent;
mod preemption;
mod preemption_nested;
mod priority_order;
mod priority_tie;
mod private_priority_byte;
mod reserved_raz_wi;
mod ro_id_writes_ignored;
mod running_priority;
mod sgi_16_priority_order;
mod sgi_icfgr_edge_ro;
mod sgi_self;
mod smp_active_banked;
mod smp_enable_banked;
mod smp_pmr_independent;
mod smp_priority_banked;
mod smp_running_priority_independent;
mod smp_sgi_banked_pending;
mod smp_sgi_cpuif_disabled;
mod smp_sgi_from_cpu1;
mod smp_sgi_list_both;
mod smp_sgi_to_other_cpu;
mod smp_spi_retarget_active;
mod smp_spi_retarget_pending;
mod smp_spi_target_grp_disabled;
mod smp_v2_dir_other_cpu;
mod smp_v2_itargetsr_1ofn;
mod smp_v2_itargetsr_cpu1;
mod smp_v2_sgi_two_sources;
mod smp_v2_sgir_others_from_cpu1;
mod smp_v2_spendsgir_banked;
mod smp_v3_dir_other_pe;
mod smp_v3_gicr_remote_cpu1;
mod smp_v3_gicr_typer_cpu1;
mod smp_v3_gicr_waker_cpu1;
mod smp_v3_irouter_1ofn;
mod smp_v3_sgi1r_irm;
mod smp_v3_sgi1r_other_cluster;
mod smp_vtimer_cpu1;
mod spi_icfgr_readback;
mod spi_pending_active_cycle;
mod spurious_when_idle;
mod typer_it_lines;
mod unimplemented_spi_raz_wi;
mod v2_cpendsgir;
mod v2_gicc_iidr;
mod v2_icpidr2;
mod v2_itargetsr_private;
mod v2_itargetsr_spi;
mod v2_sgir_filter_others;
mod v2_sgir_filter_reserved;
mod v2_sgir_target_list;
mod v2_spendsgir;
mod v2_typer_cpu_number;
mod v3_gicd_ctlr_are;
mod v3_gicd_ctlr_rwp;
mod v3_gicr_sgi_enable;
mod v3_gicr_sgi_pending_active;
mod v3_gicr_typer;
mod v3_gicr_waker;
mod v3_icc_ctlr_pribits;
mod v3_icc_sre;
mod v3_irouter;
mod v3_pidr2_archrev;
mod vtimer_imask;
mod vtimer_negative_tval;
mod vtimer_ppi;
mod vtimer_rearm;
mod zero_write_active;
mod zero_write_enable;
mod zero_write_pending;

/// The GIC cases, in run order.
pub const CASES: &[Case] = &[
    // Identification and register behaviour.
    typer_it_lines::CASE,
    v2_typer_cpu_number::CASE,
    reserved_raz_wi::CASE,
    iidr::CASE,
    ro_id_writes_ignored::CASE,
    v2_gicc_iidr::CASE,
    v2_icpidr2::CASE,
    v3_pidr2_archrev::CASE,
    v3_gicr_typer::CASE,
    v3_icc_ctlr_pribits::CASE,
    v3_gicr_waker::CASE,
    unimplemented_spi_raz_wi::CASE,
    enable_readback::CASE,
    ipriorityr_byte_access::CASE,
    ipriorityr_word_write::CASE,
    igroupr_readback::CASE,
    private_priority_byte::CASE,
    zero_write_enable::CASE,
    zero_write_pending::CASE,
    zero_write_active::CASE,
    v3_gicd_ctlr_are::CASE,
    v3_gicd_ctlr_rwp::CASE,
    v3_icc_sre::CASE,
    v3_gicr_sgi_enable::CASE,
    v3_gicr_sgi_pending_active::CASE,
    spi_icfgr_readback::CASE,
    sgi_icfgr_edge_ro::CASE,
    v2_itargetsr_spi::CASE,
    v2_itargetsr_private::CASE,
    v3_irouter::CASE,
    // The interrupt state machine.
    spi_pending_active_cycle::CASE,
    level_spi_follows_line::CASE,
    level_spi_repends_while_high::CASE,
    level_icpendr_while_high::CASE,
    edge_spi_latches::CASE,
    icpendr_clears_pending::CASE,
    enable_gates_delivery::CASE,
    active_set_clear::CASE,
    active_and_pending::CASE,
    edge_repend_while_active::CASE,
    level_ispendr_ack_clears::CASE,
    icpendr_active_pending::CASE,
    icactiver_before_eoi::CASE,
    dist_group_enable_gates::CASE,
    cpuif_group_enable_gates::CASE,
    disabled_active_pending::CASE,
    // The CPU interface.
    sgi_self::CASE,
    v2_sgir_target_list::CASE,
    v2_spendsgir::CASE,
    v2_cpendsgir::CASE,
    v2_sgir_filter_others::CASE,
    v2_sgir_filter_reserved::CASE,
    spurious_when_idle::CASE,
    hppir_no_ack::CASE,
    hppir_pmr_masked::CASE,
    hppir_running_masked::CASE,
    priority_order::CASE,
    priority_tie::CASE,
    pmr_masks::CASE,
    pmr_implemented_bits::CASE,
    pmr_rpr_independent::CASE,
    running_priority::CASE,
    preemption::CASE,
    eoi_mode_split::CASE,
    eoi_split_same_priority::CASE,
    eoi_spurious_ignored::CASE,
    binary_point_min::CASE,
    binary_point_group::CASE,
    preemption_nested::CASE,
    pending_16_priority_order::CASE,
    pending_16_equal_priority::CASE,
    sgi_16_priority_order::CASE,
    // The timer.
    vtimer_ppi::CASE,
    vtimer_imask::CASE,
    vtimer_rearm::CASE,
    vtimer_negative_tval::CASE,
    smp_sgi_to_other_cpu::CASE,
    smp_spi_retarget_pending::CASE,
    smp_sgi_list_both::CASE,
    smp_sgi_from_cpu1::CASE,
    smp_v2_sgir_others_from_cpu1::CASE,
    smp_v3_sgi1r_irm::CASE,
    smp_v3_sgi1r_other_cluster::CASE,
    smp_sgi_banked_pending::CASE,
    smp_v2_sgi_two_sources::CASE,
    smp_v2_spendsgir_banked::CASE,
    smp_sgi_cpuif_disabled::CASE,
    smp_enable_banked::CASE,
    smp_v3_gicr_remote_cpu1::CASE,
    smp_priority_banked::CASE,
    smp_pmr_independent::CASE,
    smp_running_priority_independent::CASE,
    smp_vtimer_cpu1::CASE,
    smp_active_banked::CASE,
    smp_v2_itargetsr_cpu1::CASE,
    smp_v3_dir_other_pe::CASE,
    smp_v2_dir_other_cpu::CASE,
    smp_v2_itargetsr_1ofn::CASE,
    smp_v3_irouter_1ofn::CASE,
    smp_spi_retarget_active::CASE,
    smp_spi_target_grp_disabled::CASE,
    smp_v3_gicr_typer_cpu1::CASE,
    smp_v3_gicr_waker_cpu1::CASE,
];
