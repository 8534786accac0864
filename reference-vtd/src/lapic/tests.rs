//! Unit tests of one local APIC: priorities, acceptance, EOI, errors, the LVT, the timer, and
//! both register interfaces with their fault rules.

use super::regs::RegKind;
use super::*;
use crate::access::IgnoreReason;
use crate::lapic::x2apic::{GpReason, IA32_APIC_BASE, IA32_TSC_DEADLINE};
use crate::message::{Shorthand, Target};

const EOI: u32 = 0x80b;

/// A software-enabled xAPIC for CPU `cpu`.
fn xapic(cpu: usize) -> LocalApic {
    let mut l = LocalApic::new(cpu, cpu as u32);
    l.write_reg(RegKind::Svr, 0x1ff, 0);
    l
}

/// A software-enabled x2APIC.
fn x2apic(cpu: usize) -> LocalApic {
    let mut l = xapic(cpu);
    let base = l.apic_base().with_extd(true).0;
    l.wrmsr(IA32_APIC_BASE, base, 0).unwrap();
    l
}

fn fixed(v: u8, trigger: TriggerMode) -> InterruptMessage {
    InterruptMessage {
        vector: Vector(v),
        delivery: DeliveryMode::Fixed,
        trigger,
        target: Target::Shorthand {
            sender: 0,
            shorthand: Shorthand::SelfOnly,
        },
    }
}

fn edge(v: u8) -> InterruptMessage {
    fixed(v, TriggerMode::Edge)
}

#[test]
fn ppr_is_tpr_until_the_in_service_class_exceeds_it() {
    let mut l = xapic(0);
    l.write_reg(RegKind::Tpr, 0x45, 0);
    assert_eq!(l.ppr(), 0x45);
    l.accept(&edge(0x61));
    assert_eq!(l.deliver(), Some(Vector(0x61)));
    assert_eq!(l.ppr(), 0x60);
    l.write_reg(RegKind::Tpr, 0x6f, 0);
    assert_eq!(l.ppr(), 0x6f);
}

#[test]
fn apr_is_tpr_only_while_tpr_dominates_irr_and_isr() {
    let mut l = xapic(0);
    l.write_reg(RegKind::Tpr, 0x52, 0);
    assert_eq!(l.apr(), 0x52);
    l.accept(&edge(0x71));
    assert_eq!(l.apr(), 0x70);
}

#[test]
fn a_level_message_sets_tmr_and_an_edge_one_clears_it() {
    let mut l = xapic(0);
    l.accept(&fixed(0x40, TriggerMode::Level));
    assert!(l.tmr().contains(Vector(0x40)) && l.irr().contains(Vector(0x40)));
    l.accept(&edge(0x40));
    assert!(!l.tmr().contains(Vector(0x40)));
}

#[test]
fn a_software_disabled_apic_drops_fixed_messages_but_takes_nmi() {
    let mut l = LocalApic::new(0, 0);
    assert!(!l.accept(&edge(0x40)));
    assert!(l.irr().is_empty());
    let nmi = InterruptMessage {
        delivery: DeliveryMode::Nmi,
        ..edge(0)
    };
    assert!(l.accept(&nmi));
    assert_eq!(l.take_events(), [LocalEvent::Nmi]);
}

#[test]
fn only_a_vector_of_a_higher_class_than_ppr_is_deliverable() {
    let mut l = xapic(0);
    l.write_reg(RegKind::Tpr, 0x50, 0);
    l.accept(&edge(0x5f));
    assert_eq!(l.highest_deliverable(), None);
    l.accept(&edge(0x60));
    assert_eq!(l.highest_deliverable(), Some(Vector(0x60)));
}

#[test]
fn eoi_clears_the_highest_in_service_vector_first() {
    let mut l = xapic(0);
    l.accept(&edge(0x30));
    l.deliver();
    l.accept(&edge(0x90));
    l.deliver();
    assert_eq!(l.eoi(), None);
    assert_eq!(
        l.isr().iter().collect::<alloc::vec::Vec<_>>(),
        [Vector(0x30)]
    );
}

#[test]
fn eoi_of_a_level_vector_broadcasts_unless_suppressed() {
    let mut l = xapic(0);
    l.accept(&fixed(0x40, TriggerMode::Level));
    l.deliver();
    assert_eq!(l.eoi(), Some(Effect::EoiBroadcast(Vector(0x40))));
    l.write_reg(RegKind::Svr, 0x11ff, 0);
    l.accept(&fixed(0x40, TriggerMode::Level));
    l.deliver();
    assert_eq!(l.eoi(), None);
    assert!(l.isr().is_empty());
}

#[test]
fn eoi_with_nothing_in_service_does_nothing() {
    let mut l = xapic(0);
    l.accept(&edge(0x40));
    assert_eq!(l.eoi(), None);
    assert!(l.irr().contains(Vector(0x40)));
}

#[test]
fn a_received_illegal_vector_is_latched_in_esr_by_the_next_esr_write() {
    let mut l = xapic(0);
    l.write_reg(RegKind::Lvt(LvtKind::Error), 0xee, 0);
    assert!(!l.accept(&edge(0x05)));
    assert_eq!(l.esr(), Esr(0), "ESR shows errors only after a write");
    assert!(l.irr().contains(Vector(0xee)), "the error LVT fired");
    l.write_reg(RegKind::Esr, 0, 0);
    assert!(l.esr().received_illegal_vector());
    l.write_reg(RegKind::Esr, 0, 0);
    assert_eq!(l.esr(), Esr(0));
}

#[test]
fn an_ipi_with_an_illegal_vector_is_not_sent_and_sets_send_illegal_vector() {
    let mut l = xapic(0);
    assert_eq!(l.write_reg(RegKind::IcrLow, 0x0000_0004, 0), None);
    l.write_reg(RegKind::Esr, 0, 0);
    assert!(l.esr().send_illegal_vector());
}

#[test]
fn clearing_the_software_enable_masks_every_lvt_and_keeps_it_masked() {
    let mut l = xapic(0);
    l.write_reg(RegKind::Lvt(LvtKind::Lint0), 0x30, 0);
    assert!(!l.lvt(LvtKind::Lint0).masked());
    l.write_reg(RegKind::Svr, 0xff, 0);
    assert!(LvtKind::ALL.iter().all(|k| l.lvt(*k).masked()));
    l.write_reg(RegKind::Lvt(LvtKind::Lint0), 0x30, 0);
    assert!(l.lvt(LvtKind::Lint0).masked());
}

#[test]
fn lvt_entries_keep_only_their_implemented_bits() {
    let mut l = xapic(0);
    l.write_reg(RegKind::Lvt(LvtKind::Error), 0xffff_ffff, 0);
    assert_eq!(l.lvt(LvtKind::Error).0, 0x0001_00ff);
    l.write_reg(RegKind::Lvt(LvtKind::Lint1), 0xffff_ffff, 0);
    assert_eq!(l.lvt(LvtKind::Lint1).0, 0x0001_a7ff);
}

#[test]
fn an_lvt_nmi_becomes_a_local_event() {
    let mut l = xapic(0);
    l.write_reg(RegKind::Lvt(LvtKind::Lint1), 0x400, 0);
    l.raise_local(LvtKind::Lint1);
    assert_eq!(l.take_events(), [LocalEvent::Nmi]);
    assert!(l.irr().is_empty());
}

#[test]
fn a_one_shot_timer_raises_its_vector_once() {
    let mut l = xapic(0);
    l.write_reg(RegKind::TimerDivide, 0xb, 0);
    l.write_reg(RegKind::Lvt(LvtKind::Timer), 0x40, 0);
    l.write_reg(RegKind::TimerInitial, 100, 0);
    l.tick(99);
    assert!(l.irr().is_empty());
    assert_eq!(l.read_reg(RegKind::TimerCurrent, 0, 99), 1);
    l.tick(100);
    assert!(l.irr().contains(Vector(0x40)));
    assert_eq!(l.next_timer_expiry(), None);
}

#[test]
fn a_masked_timer_expires_without_an_interrupt() {
    let mut l = xapic(0);
    l.write_reg(RegKind::TimerDivide, 0xb, 0);
    l.write_reg(RegKind::Lvt(LvtKind::Timer), 0x1_0040, 0);
    l.write_reg(RegKind::TimerInitial, 10, 0);
    l.tick(50);
    assert!(l.irr().is_empty());
    assert_eq!(l.read_reg(RegKind::TimerCurrent, 0, 50), 0);
}

#[test]
fn a_tsc_deadline_in_the_past_fires_on_the_write() {
    let mut l = xapic(0);
    l.write_reg(RegKind::Lvt(LvtKind::Timer), 0x4_0050, 0);
    l.wrmsr(IA32_TSC_DEADLINE, 10, 20).unwrap();
    assert!(l.irr().contains(Vector(0x50)));
    assert_eq!(l.rdmsr(IA32_TSC_DEADLINE, 20), Ok(0));
}

#[test]
fn the_initial_count_ignores_writes_in_tsc_deadline_mode() {
    let mut l = xapic(0);
    l.write_reg(RegKind::Lvt(LvtKind::Timer), 0x4_0050, 0);
    l.write_reg(RegKind::TimerInitial, 100, 0);
    assert_eq!(l.read_reg(RegKind::TimerInitial, 0, 0), 0);
    assert_eq!(l.read_reg(RegKind::TimerCurrent, 0, 0), 0);
}

// ---- destinations ----

#[test]
fn logical_flat_matches_any_common_bit() {
    let mut l = xapic(1);
    l.write_reg(RegKind::Ldr, 0x0200_0000, 0);
    assert!(l.matches(&Destination::logical(0x06, AddressFormat::XApic)));
    assert!(!l.matches(&Destination::logical(0x01, AddressFormat::XApic)));
}

#[test]
fn logical_cluster_matches_cluster_and_member_bit() {
    let mut l = xapic(1);
    l.write_reg(RegKind::Dfr, 0x0fff_ffff, 0);
    l.write_reg(RegKind::Ldr, 0x3200_0000, 0);
    assert!(l.matches(&Destination::logical(0x32, AddressFormat::XApic)));
    assert!(!l.matches(&Destination::logical(0x22, AddressFormat::XApic)));
    assert!(!l.matches(&Destination::logical(0x31, AddressFormat::XApic)));
    assert!(l.matches(&Destination::logical(0xff, AddressFormat::XApic)));
}

#[test]
fn the_x2apic_ldr_is_derived_from_the_id_and_names_its_cluster() {
    let l = x2apic(0x13);
    assert_eq!(l.ldr(), 0x0001_0008);
    assert!(l.matches(&Destination::logical(0x0001_0009, AddressFormat::X2Apic)));
    assert!(!l.matches(&Destination::logical(0x0000_0008, AddressFormat::X2Apic)));
    assert!(l.matches(&Destination::physical(u32::MAX, AddressFormat::X2Apic)));
}

#[test]
fn a_disabled_apic_matches_nothing_not_even_broadcast() {
    let mut l = xapic(0);
    l.wrmsr(IA32_APIC_BASE, 0xfee0_0000 | 1 << 8, 0).unwrap();
    assert!(!l.matches(&Destination::physical(0xff, AddressFormat::XApic)));
}

// ---- xAPIC MMIO ----

#[test]
fn a_reserved_xapic_offset_is_ignored_and_sets_illegal_register_address() {
    let mut l = xapic(0);
    assert_eq!(l.mmio_read(0x40, 0), Err(IgnoreReason::Unmapped));
    l.mmio_write(0x280, 0, 0).unwrap();
    assert_eq!(l.mmio_read(0x280, 0), Ok(0x80));
}

#[test]
fn reading_the_eoi_register_returns_nothing_and_is_reported() {
    let mut l = xapic(0);
    assert_eq!(l.mmio_read(0xb0, 0), Err(IgnoreReason::WriteOnly));
    assert_eq!(l.mmio_write(0x30, 5, 0), Err(IgnoreReason::ReadOnly));
}

#[test]
fn the_dfr_reads_its_reserved_bits_as_ones() {
    let mut l = xapic(0);
    l.mmio_write(0xe0, 0, 0).unwrap();
    assert_eq!(l.mmio_read(0xe0, 0), Ok(0x0fff_ffff));
}

#[test]
fn the_xapic_page_is_gone_in_x2apic_mode() {
    let mut l = x2apic(0);
    assert_eq!(l.mmio_read(0x20, 0), Err(IgnoreReason::WrongMode));
}

#[test]
fn icr_high_keeps_only_the_destination_byte() {
    let mut l = xapic(0);
    l.mmio_write(0x310, 0xffff_ffff, 0).unwrap();
    assert_eq!(l.mmio_read(0x310, 0), Ok(0xff00_0000));
}

#[test]
fn writing_icr_low_sends_the_ipi() {
    let mut l = xapic(0);
    l.mmio_write(0x310, 0x0200_0000, 0).unwrap();
    let e = l.mmio_write(0x300, 0x0000_4041, 0).unwrap();
    let Some(Effect::Message(m)) = e else {
        panic!("expected an IPI, got {e:?}");
    };
    assert_eq!(m.vector, Vector(0x41));
    assert_eq!(
        m.target,
        Target::Destination(Destination::physical(2, AddressFormat::XApic))
    );
}

// ---- x2APIC MSRs and IA32_APIC_BASE ----

#[test]
fn x2apic_msrs_fault_outside_x2apic_mode() {
    let mut l = xapic(0);
    assert_eq!(
        l.rdmsr(0x802, 0).unwrap_err().reason,
        GpReason::NotX2apicMode
    );
}

#[test]
fn reserved_x2apic_msrs_fault() {
    let mut l = x2apic(0);
    for msr in [0x809, 0x80c, 0x80e, 0x831, 0x840] {
        assert_eq!(
            l.rdmsr(msr, 0).unwrap_err().reason,
            GpReason::ReservedRegister,
            "{msr:#x}"
        );
    }
}

#[test]
fn the_x2apic_eoi_must_be_written_with_zero() {
    let mut l = x2apic(0);
    l.accept(&edge(0x40));
    l.deliver();
    assert_eq!(
        l.wrmsr(EOI, 1, 0).unwrap_err().reason,
        GpReason::ReservedBits
    );
    assert!(
        l.isr().contains(Vector(0x40)),
        "a faulting EOI changes nothing"
    );
    l.wrmsr(EOI, 0, 0).unwrap();
    assert!(l.isr().is_empty());
    assert_eq!(
        l.rdmsr(EOI, 0).unwrap_err().reason,
        GpReason::ReadOfWriteOnly
    );
}

#[test]
fn the_x2apic_esr_must_be_written_with_zero() {
    let mut l = x2apic(0);
    assert!(l.wrmsr(0x828, 1, 0).is_err());
    assert!(l.wrmsr(0x828, 0, 0).is_ok());
}

#[test]
fn self_ipi_is_write_only_and_sends_to_self() {
    let mut l = x2apic(0);
    assert_eq!(
        l.rdmsr(0x83f, 0).unwrap_err().reason,
        GpReason::ReadOfWriteOnly
    );
    let e = l.wrmsr(0x83f, 0x44, 0).unwrap();
    assert!(matches!(
        e,
        Some(Effect::Message(InterruptMessage {
            vector: Vector(0x44),
            target: Target::Shorthand {
                shorthand: Shorthand::SelfOnly,
                ..
            },
            ..
        }))
    ));
    assert_eq!(l.icr(), Icr(0), "SELF IPI does not touch the ICR");
    assert!(l.wrmsr(0x83f, 0x144, 0).is_err());
}

#[test]
fn the_x2apic_id_and_ldr_are_read_only() {
    let mut l = x2apic(5);
    assert_eq!(l.rdmsr(0x802, 0), Ok(5));
    assert_eq!(
        l.wrmsr(0x802, 7, 0).unwrap_err().reason,
        GpReason::WriteOfReadOnly
    );
    assert_eq!(
        l.wrmsr(0x80d, 0, 0).unwrap_err().reason,
        GpReason::WriteOfReadOnly
    );
}

#[test]
fn upper_32_bits_of_x2apic_registers_other_than_icr_are_reserved() {
    let mut l = x2apic(0);
    assert!(l.wrmsr(0x808, 1 << 32, 0).is_err());
    assert!(l.wrmsr(0x808, 0x100, 0).is_err(), "TPR bits 31:8");
    assert!(l.wrmsr(0x832, 1 << 20, 0).is_err(), "LVT timer bit 20");
    assert!(l.wrmsr(0x830, 0x0000_0003_0000_4050, 0).is_ok());
    assert_eq!(l.rdmsr(0x830, 0), Ok(0x0000_0003_0000_4050));
    assert!(
        l.wrmsr(0x830, 1 << 12 | 0x50, 0).is_err(),
        "no delivery status"
    );
}

#[test]
fn the_x2apic_icr_sends_a_32_bit_destination() {
    let mut l = x2apic(0);
    let e = l.wrmsr(0x830, 0x0001_0002_0000_0850, 0).unwrap();
    let Some(Effect::Message(m)) = e else {
        panic!("expected an IPI");
    };
    assert_eq!(
        m.target,
        Target::Destination(Destination::logical(0x0001_0002, AddressFormat::X2Apic))
    );
}

#[test]
fn x2apic_cannot_go_back_to_xapic_directly() {
    let mut l = x2apic(0);
    let xapic_bits = l.apic_base().with_extd(false).0;
    assert_eq!(
        l.wrmsr(IA32_APIC_BASE, xapic_bits, 0).unwrap_err().reason,
        GpReason::InvalidTransition
    );
    assert_eq!(l.mode(), ApicMode::X2Apic);
}

#[test]
fn a_disabled_apic_cannot_enter_x2apic_mode_directly() {
    let mut l = xapic(0);
    let base = l.apic_base();
    l.wrmsr(IA32_APIC_BASE, base.with_enabled(false).0, 0)
        .unwrap();
    assert_eq!(
        l.wrmsr(IA32_APIC_BASE, base.with_extd(true).0, 0)
            .unwrap_err()
            .reason,
        GpReason::InvalidTransition
    );
    l.wrmsr(IA32_APIC_BASE, base.0, 0).unwrap();
    l.wrmsr(IA32_APIC_BASE, base.with_extd(true).0, 0).unwrap();
    assert_eq!(l.mode(), ApicMode::X2Apic);
}

#[test]
fn extd_without_en_is_invalid() {
    let mut l = xapic(0);
    let bits = l.apic_base().with_enabled(false).with_extd(true).0;
    assert!(l.wrmsr(IA32_APIC_BASE, bits, 0).is_err());
}

#[test]
fn reserved_apic_base_bits_fault_and_bsp_is_read_only() {
    let mut l = xapic(1);
    let base = l.apic_base();
    assert!(l.wrmsr(IA32_APIC_BASE, base.0 | 1 << 9, 0).is_err());
    assert!(l.wrmsr(IA32_APIC_BASE, base.0 | 1 << 40, 0).is_err());
    l.wrmsr(IA32_APIC_BASE, base.0 | 1 << 8, 0).unwrap();
    assert!(!l.apic_base().bsp());
}

#[test]
fn disabling_the_apic_resets_its_registers() {
    let mut l = x2apic(0);
    l.wrmsr(0x808, 0x20, 0).unwrap();
    l.accept(&edge(0x40));
    let base = l.apic_base();
    l.wrmsr(
        IA32_APIC_BASE,
        base.with_enabled(false).with_extd(false).0,
        0,
    )
    .unwrap();
    assert_eq!(l.mode(), ApicMode::Disabled);
    l.wrmsr(IA32_APIC_BASE, base.with_extd(false).0, 0).unwrap();
    assert_eq!(l.tpr(), 0);
    assert!(l.irr().is_empty());
    assert!(!l.software_enabled());
    assert_eq!(l.lvt(LvtKind::Timer), Lvt::RESET);
}

#[test]
fn the_version_register_reads_the_same_in_both_modes() {
    let mut l = xapic(0);
    assert_eq!(l.mmio_read(0x30, 0), Ok(APIC_VERSION));
    let mut l = x2apic(0);
    assert_eq!(l.rdmsr(0x803, 0), Ok(u64::from(APIC_VERSION)));
}
