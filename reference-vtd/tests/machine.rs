//! The machine facade as the host runner drives it: register accesses by (CPU, space,
//! offset), interrupt windows, pins, MSIs, time — the x86 seam's behaviours end to end.

use reference_vtd::{
    FaultReason, GpReason, IA32_APIC_BASE, IA32_TSC_DEADLINE, IgnoreReason, LocalEvent,
    LowestPriority, Machine, MachineConfig, MsiError, PiControl, PiDescriptor, Posting,
    RemapConfig, Routing, Space, Vector, VectorSet,
};

const SVR: u32 = 0xf0;
const TPR: u32 = 0x80;
const EOI: u32 = 0xb0;
const LDR: u32 = 0xd0;
const DFR: u32 = 0xe0;
const ICR_LOW: u32 = 0x300;
const ICR_HIGH: u32 = 0x310;
const LVT_TIMER: u32 = 0x320;
const TIMER_INITIAL: u32 = 0x380;
const TIMER_DIVIDE: u32 = 0x3e0;

const IOREGSEL: u32 = 0x00;
const IOWIN: u32 = 0x10;

fn machine(cpus: usize) -> Machine {
    let mut m = Machine::new(MachineConfig {
        cpus,
        ..MachineConfig::default()
    });
    for cpu in 0..cpus {
        m.write_lapic(cpu, SVR, 0x1ff);
    }
    m
}

fn x2apic_machine(cpus: usize) -> Machine {
    let mut m = machine(cpus);
    for cpu in 0..cpus {
        let base = m.rdmsr(cpu, IA32_APIC_BASE).unwrap();
        m.wrmsr(cpu, IA32_APIC_BASE, base | 1 << 10).unwrap();
    }
    m
}

fn v(x: u8) -> Vector {
    Vector(x)
}

fn ipi(m: &mut Machine, from: usize, dest: u8, low: u32) {
    m.write_lapic(from, ICR_HIGH, u32::from(dest) << 24);
    m.write_lapic(from, ICR_LOW, low);
}

fn program_rte(m: &mut Machine, pin: u8, low: u32, high: u32) {
    m.write_ioapic(IOREGSEL, 1, u32::from(0x10 + 2 * pin));
    m.write_ioapic(IOWIN, 4, low);
    m.write_ioapic(IOREGSEL, 1, u32::from(0x11 + 2 * pin));
    m.write_ioapic(IOWIN, 4, high);
}

#[test]
fn a_fixed_physical_ipi_is_taken_by_its_target_in_the_next_window() {
    let mut m = machine(2);
    ipi(&mut m, 0, 1, 0x4041);
    assert_eq!(m.take_interrupts(0), []);
    assert_eq!(m.take_interrupts(1), [v(0x41)]);
    assert_eq!(m.take_interrupts(1), [], "taken once, now in service");
}

#[test]
fn the_window_takes_only_vectors_above_the_rising_ppr_and_eoi_reopens_it() {
    let mut m = machine(1);
    ipi(&mut m, 0, 0, 0x4051);
    ipi(&mut m, 0, 0, 0x4052);
    ipi(&mut m, 0, 0, 0x4091);
    assert_eq!(m.take_interrupts(0), [v(0x91)]);
    m.write_lapic(0, EOI, 0);
    assert_eq!(m.take_interrupts(0), [v(0x52)]);
    m.write_lapic(0, EOI, 0);
    assert_eq!(m.take_interrupts(0), [v(0x51)]);
}

#[test]
fn tpr_holds_back_vectors_of_its_class_and_below() {
    let mut m = machine(1);
    m.write_lapic(0, TPR, 0x60);
    ipi(&mut m, 0, 0, 0x4061);
    assert_eq!(m.take_interrupts(0), []);
    m.write_lapic(0, TPR, 0x50);
    assert_eq!(m.take_interrupts(0), [v(0x61)]);
}

#[test]
fn the_all_excluding_self_shorthand_reaches_every_other_cpu() {
    let mut m = machine(3);
    m.write_lapic(1, ICR_LOW, 0x000c_4042);
    assert_eq!(m.take_interrupts(0), [v(0x42)]);
    assert_eq!(m.take_interrupts(1), []);
    assert_eq!(m.take_interrupts(2), [v(0x42)]);
}

#[test]
fn the_all_including_self_shorthand_reaches_the_sender_too() {
    let mut m = machine(2);
    m.write_lapic(1, ICR_LOW, 0x0008_4043);
    assert_eq!(m.take_interrupts(0), [v(0x43)]);
    assert_eq!(m.take_interrupts(1), [v(0x43)]);
}

#[test]
fn a_physical_broadcast_reaches_every_cpu() {
    let mut m = machine(3);
    ipi(&mut m, 0, 0xff, 0x4044);
    assert!((0..3).all(|c| m.take_interrupts(c) == [v(0x44)]));
}

#[test]
fn a_logical_flat_ipi_reaches_every_cpu_whose_ldr_bit_it_names() {
    let mut m = machine(3);
    for cpu in 0..3 {
        m.write_lapic(cpu, LDR, 1 << (24 + cpu));
    }
    ipi(&mut m, 0, 0b101, 0x4845);
    assert_eq!(m.take_interrupts(0), [v(0x45)]);
    assert_eq!(m.take_interrupts(1), []);
    assert_eq!(m.take_interrupts(2), [v(0x45)]);
}

#[test]
fn a_logical_cluster_ipi_reaches_members_of_its_cluster_only() {
    let mut m = machine(3);
    for (cpu, ldr) in [(0, 0x11), (1, 0x12), (2, 0x21)] {
        m.write_lapic(cpu, DFR, 0x0fff_ffff);
        m.write_lapic(cpu, LDR, ldr << 24);
    }
    ipi(&mut m, 0, 0x13, 0x4846);
    assert_eq!(m.take_interrupts(0), [v(0x46)]);
    assert_eq!(m.take_interrupts(1), [v(0x46)]);
    assert_eq!(m.take_interrupts(2), []);
}

#[test]
fn an_x2apic_cluster_ipi_uses_the_derived_ldr() {
    let mut m = x2apic_machine(3);
    // CPUs 0..3 are cluster 0, bits 0..3; name CPUs 1 and 2.
    m.wrmsr(0, 0x830, 0x0000_0006_0000_0847).unwrap();
    assert_eq!(m.take_interrupts(0), []);
    assert_eq!(m.take_interrupts(1), [v(0x47)]);
    assert_eq!(m.take_interrupts(2), [v(0x47)]);
}

#[test]
fn an_x2apic_self_ipi_is_taken_by_the_sender() {
    let mut m = x2apic_machine(2);
    m.wrmsr(1, 0x83f, 0x48).unwrap();
    assert_eq!(m.take_interrupts(1), [v(0x48)]);
    assert_eq!(m.take_interrupts(0), []);
}

#[test]
fn a_lowest_priority_ipi_goes_to_the_cpu_with_the_lowest_arbitration_priority() {
    let mut m = machine(3);
    m.write_lapic(0, TPR, 0x30);
    m.write_lapic(1, TPR, 0x10);
    m.write_lapic(2, TPR, 0x20);
    ipi(&mut m, 0, 0xff, 0x4149);
    assert_eq!(m.take_interrupts(1), [v(0x49)]);
    assert_eq!(m.take_interrupts(0), []);
    assert_eq!(m.take_interrupts(2), []);
}

#[test]
fn with_vector_hashing_a_lowest_priority_vector_always_goes_to_one_cpu() {
    let mut m = Machine::new(MachineConfig {
        cpus: 3,
        lowest_priority: LowestPriority::VectorHashing,
        ..MachineConfig::default()
    });
    for cpu in 0..3 {
        m.write_lapic(cpu, SVR, 0x1ff);
    }
    for _ in 0..2 {
        ipi(&mut m, 0, 0xff, 0x4140);
        assert_eq!(m.take_interrupts(0x40 % 3), [v(0x40)]);
        m.write_lapic(0x40 % 3, EOI, 0);
    }
}

#[test]
fn init_and_startup_ipis_become_local_events() {
    let mut m = machine(2);
    ipi(&mut m, 0, 1, 0x4500);
    ipi(&mut m, 0, 1, 0x4608);
    assert_eq!(
        m.take_events(1),
        [LocalEvent::Init, LocalEvent::StartUp(v(0x08))]
    );
    assert_eq!(m.take_interrupts(1), []);
}

#[test]
fn a_one_shot_timer_interrupt_arrives_after_its_count() {
    let mut m = machine(1);
    m.write_lapic(0, TIMER_DIVIDE, 0xb);
    m.write_lapic(0, LVT_TIMER, 0x50);
    m.write_lapic(0, TIMER_INITIAL, 1000);
    m.advance_time(999);
    assert_eq!(m.take_interrupts(0), []);
    m.advance_time(1);
    assert_eq!(m.take_interrupts(0), [v(0x50)]);
}

#[test]
fn periodic_timer_expiries_coalesce_while_the_vector_is_pending() {
    let mut m = machine(1);
    m.write_lapic(0, TIMER_DIVIDE, 0xb);
    m.write_lapic(0, LVT_TIMER, 1 << 17 | 0x51);
    m.write_lapic(0, TIMER_INITIAL, 10);
    m.advance_time(55);
    assert_eq!(m.take_interrupts(0), [v(0x51)]);
    m.write_lapic(0, EOI, 0);
    m.advance_time(5);
    assert_eq!(m.take_interrupts(0), [v(0x51)], "the next period, on phase");
}

#[test]
fn a_tsc_deadline_interrupt_arrives_at_its_deadline() {
    let mut m = x2apic_machine(1);
    m.wrmsr(0, 0x832, 2 << 17 | 0x52).unwrap();
    m.wrmsr(0, IA32_TSC_DEADLINE, 100).unwrap();
    m.advance_time(99);
    assert_eq!(m.take_interrupts(0), []);
    m.advance_time(1);
    assert_eq!(m.take_interrupts(0), [v(0x52)]);
    assert_eq!(m.rdmsr(0, IA32_TSC_DEADLINE), Ok(0));
}

#[test]
fn a_level_ioapic_interrupt_repends_after_eoi_while_the_line_is_high() {
    let mut m = machine(1);
    program_rte(&mut m, 10, 0x8060, 0);
    m.set_line(10, true);
    assert_eq!(m.take_interrupts(0), [v(0x60)]);
    m.write_lapic(0, EOI, 0);
    assert_eq!(
        m.take_interrupts(0),
        [v(0x60)],
        "EOI broadcast cleared remote IRR"
    );
    m.set_line(10, false);
    m.write_lapic(0, EOI, 0);
    assert_eq!(m.take_interrupts(0), []);
    assert!(!m.ioapic().entry(10).unwrap().remote_irr());
}

#[test]
fn with_eoi_broadcast_suppressed_only_the_ioapic_eoi_register_clears_remote_irr() {
    let mut m = machine(1);
    m.write_lapic(0, SVR, 0x11ff);
    program_rte(&mut m, 10, 0x8060, 0);
    m.set_line(10, true);
    assert_eq!(m.take_interrupts(0), [v(0x60)]);
    m.write_lapic(0, EOI, 0);
    assert_eq!(m.take_interrupts(0), []);
    assert!(m.ioapic().entry(10).unwrap().remote_irr());
    m.write_ioapic(0x40, 4, 0x60);
    assert_eq!(m.take_interrupts(0), [v(0x60)]);
}

#[test]
fn a_masked_ioapic_pin_never_delivers() {
    let mut m = machine(1);
    program_rte(&mut m, 3, 0x1_0033, 0);
    m.set_line(3, true);
    m.set_line(3, false);
    m.set_line(3, true);
    assert_eq!(m.take_interrupts(0), []);
}

#[test]
fn edge_interrupts_coalesce_in_the_irr() {
    let mut m = machine(1);
    program_rte(&mut m, 4, 0x34, 0);
    for _ in 0..3 {
        m.set_line(4, true);
        m.set_line(4, false);
    }
    assert_eq!(m.take_interrupts(0), [v(0x34)]);
    m.write_lapic(0, EOI, 0);
    assert_eq!(m.take_interrupts(0), []);
}

#[test]
fn an_ioapic_entry_routes_to_its_physical_destination() {
    let mut m = machine(2);
    program_rte(&mut m, 5, 0x35, 1 << 24);
    m.set_line(5, true);
    assert_eq!(m.take_interrupts(0), []);
    assert_eq!(m.take_interrupts(1), [v(0x35)]);
}

#[test]
fn a_compatibility_msi_is_delivered_without_a_remapping_unit() {
    let mut m = machine(2);
    let r = m.msi(0xfee0_1000, 0x4070, 0x0010).unwrap();
    assert!(matches!(r, Routing::Delivered(_)));
    assert_eq!(m.take_interrupts(1), [v(0x70)]);
}

#[test]
fn an_msi_outside_the_interrupt_window_is_refused() {
    let mut m = machine(1);
    assert_eq!(
        m.msi(0x1000, 0x40, 0),
        Err(MsiError::NotInterruptAddress(0x1000))
    );
}

#[test]
fn an_illegal_msi_vector_sets_received_illegal_vector() {
    let mut m = machine(1);
    m.msi(0xfee0_0000, 0x05, 0).unwrap();
    m.write_lapic(0, 0x280, 0);
    assert_eq!(m.read_lapic(0, 0x280), 0x40);
}

#[test]
fn accesses_the_model_cannot_honour_are_ignored_and_reported() {
    let mut m = x2apic_machine(1);
    assert_eq!(m.read_lapic(0, TPR), 0);
    assert_eq!(m.read_lapic(7, TPR), 0);
    m.write_dmar(0x18, 4, 1 << 25);
    let ignored = m.take_ignored();
    assert_eq!(ignored.len(), 3);
    assert_eq!(ignored[0].space, Space::Lapic(0));
    assert_eq!(ignored[0].reason, IgnoreReason::WrongMode);
    assert_eq!(ignored[1].reason, IgnoreReason::NoSuchDevice);
    assert_eq!(ignored[2].space, Space::Dmar);
    assert_eq!(m.rdmsr(9, 0x802).unwrap_err().reason, GpReason::NoSuchCpu);
}

// ---- with a remapping unit ----

const IRT: u64 = 0x10_0000;
const PID: u64 = 0x20_0000;

fn remap_machine(cpus: usize, posting: Posting) -> Machine {
    let mut m = Machine::new(MachineConfig {
        cpus,
        remapping: Some(RemapConfig {
            posting,
            x2apic: true,
            ..RemapConfig::default()
        }),
        ..MachineConfig::default()
    });
    for cpu in 0..cpus {
        m.write_lapic(cpu, SVR, 0x1ff);
        let base = m.rdmsr(cpu, IA32_APIC_BASE).unwrap();
        m.wrmsr(cpu, IA32_APIC_BASE, base | 1 << 10).unwrap();
    }
    // IRTA: 256 entries, EIME; latch it, then enable remapping.
    m.write_dmar(0xb8, 8, IRT | 1 << 11 | 7);
    m.write_dmar(0x18, 4, 1 << 24);
    m.write_dmar(0x18, 4, 1 << 24 | 1 << 25);
    m
}

fn set_irte(m: &mut Machine, index: u64, irte: reference_vtd::Irte) {
    m.memory_mut()
        .write(IRT + 16 * index, &irte.0.to_le_bytes())
        .unwrap();
}

#[test]
fn a_remappable_ioapic_entry_is_delivered_as_its_irte_says() {
    let mut m = remap_machine(2, Posting::Unsupported);
    let irte = reference_vtd::Irte::remapped(v(0x71), 1, reference_vtd::AddressFormat::X2Apic);
    set_irte(&mut m, 3, irte);
    // Remappable RTE: bit 48 format, index 3 in bits 63:49, vector 0x71 for EOI matching.
    program_rte(&mut m, 9, 0x71, (3 << 17) | 1 << 16);
    m.set_line(9, true);
    assert_eq!(m.take_interrupts(1), [v(0x71)]);
}

#[test]
fn a_blocked_msi_raises_the_fault_event_interrupt() {
    let mut m = remap_machine(1, Posting::Unsupported);
    m.write_dmar(0x3c, 4, 0x7e);
    m.write_dmar(0x40, 4, 0xfee0_0000);
    m.write_dmar(0x38, 4, 0);
    let r = m.msi(0xfee0_0000 | 5 << 5 | 1 << 4, 0, 0x0008).unwrap();
    assert_eq!(r, Routing::Blocked(FaultReason::IrteNotPresent));
    assert_eq!(m.take_interrupts(0), [v(0x7e)]);
    assert_eq!(m.read_dmar(0x34, 4) & 2, 2);
}

#[test]
fn a_posted_msi_lands_in_the_descriptor_and_notifies_its_destination() {
    let mut m = remap_machine(2, Posting::Supported);
    set_irte(&mut m, 6, reference_vtd::Irte::posted_entry(v(0x36), PID));
    let pid = PiDescriptor {
        pir: VectorSet::new(),
        control: PiControl(0).with_nv(0xf2).with_ndst(1),
    };
    pid.write(m.memory_mut(), PID).unwrap();
    let r = m.msi(0xfee0_0000 | 6 << 5 | 1 << 4, 0, 0).unwrap();
    assert!(matches!(r, Routing::Posted(Some(_))));
    assert_eq!(m.take_interrupts(1), [v(0xf2)], "the notification vector");
    let pid = PiDescriptor::read(m.memory(), PID).unwrap();
    assert_eq!(pid.pir.iter().collect::<Vec<_>>(), [v(0x36)]);
}

#[test]
fn cpu_posting_notifies_only_on_the_first_post() {
    let mut m = x2apic_machine(2);
    let pid = PiDescriptor {
        pir: VectorSet::new(),
        control: PiControl(0).with_nv(0xf3).with_ndst(1),
    };
    pid.write(m.memory_mut(), PID).unwrap();
    let fmt = reference_vtd::AddressFormat::X2Apic;
    assert!(m.post_interrupt(PID, v(0x40), fmt).unwrap().is_some());
    assert!(m.post_interrupt(PID, v(0x41), fmt).unwrap().is_none());
    assert_eq!(m.take_interrupts(1), [v(0xf3)]);
}

#[test]
fn delivery_mode_nmi_from_an_msi_is_an_event_not_a_vector() {
    let mut m = machine(1);
    let data = 0x0400 | 0x20;
    m.msi(0xfee0_0000, data, 0).unwrap();
    assert_eq!(m.take_events(0), [LocalEvent::Nmi]);
    assert_eq!(m.take_interrupts(0), []);
}

#[test]
fn with_round_robin_lowest_priority_interrupts_rotate_over_the_destination_set() {
    let mut m = Machine::new(MachineConfig {
        cpus: 3,
        lowest_priority: LowestPriority::RoundRobin,
        ..MachineConfig::default()
    });
    for cpu in 0..3 {
        m.write_lapic(cpu, SVR, 0x1ff);
    }
    for expected in [0, 1, 2, 0] {
        ipi(&mut m, 0, 0xff, 0x4140);
        assert_eq!(m.take_interrupts(expected), [v(0x40)]);
        m.write_lapic(expected, EOI, 0);
    }
}

#[test]
fn a_remapped_level_ioapic_interrupt_is_ended_by_the_eoi_of_its_irte_vector() {
    let mut m = remap_machine(1, Posting::Unsupported);
    let irte = reference_vtd::Irte::remapped(v(0x72), 0, reference_vtd::AddressFormat::X2Apic)
        .with_trigger_mode(reference_vtd::TriggerMode::Level);
    set_irte(&mut m, 4, irte);
    // The RTE's vector must match the IRTE's for the EOI broadcast to find it (VT-d §5.1.5.1).
    program_rte(&mut m, 11, 0x8072, (4 << 17) | 1 << 16);
    m.set_line(11, true);
    assert_eq!(m.take_interrupts(0), [v(0x72)]);
    assert!(m.ioapic().entry(11).unwrap().remote_irr());
    m.wrmsr(0, 0x80b, 0).unwrap();
    assert_eq!(
        m.take_interrupts(0),
        [v(0x72)],
        "line still high: sent again"
    );
    m.set_line(11, false);
    m.wrmsr(0, 0x80b, 0).unwrap();
    assert!(!m.ioapic().entry(11).unwrap().remote_irr());
}

#[test]
fn irta_takes_32_bit_halves_and_eime_needs_extended_interrupt_mode() {
    let mut m = Machine::new(MachineConfig {
        remapping: Some(RemapConfig {
            posting: Posting::Unsupported,
            x2apic: false,
            ..RemapConfig::default()
        }),
        ..MachineConfig::default()
    });
    m.write_dmar(0xb8, 4, 0x1234_5000 | 1 << 11 | 3);
    m.write_dmar(0xbc, 4, 0x1);
    assert_eq!(
        m.read_dmar(0xb8, 8),
        0x1_1234_5003,
        "EIME is reserved without EIM"
    );
    assert_eq!(m.read_dmar(0x10, 8) & 1 << 4, 0);
    assert!(m.take_ignored().is_empty());
}
