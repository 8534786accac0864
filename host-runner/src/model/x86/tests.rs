//! Tests of the x86 model platform: the kit's operations reach reference-vtd as the x86 seam
//! says, from the kit's reset state.

use guest_kit::inject::{Inject, Injection};
use guest_kit::regs::{ioapic, lapic};
use guest_kit::{Fault, IccReg, Platform, Site, Vector, Width, reset};

use super::{TICKS_PER_DELAY, X86Model};
use crate::backend::x86_shape;

fn model(x2apic: bool, iommu: bool) -> X86Model {
    let info = x86_shape(2, x2apic, iommu, Injection::LINE | Injection::X86_MSI);
    let mut m = X86Model::new(info);
    reset::quiesce(&mut m);
    m
}

fn taken(m: &mut X86Model) -> Vec<u8> {
    m.take_interrupts()
        .as_slice()
        .iter()
        .map(|v| v.raw())
        .collect()
}

fn enable_x2apic(m: &mut X86Model) {
    let base = m
        .read(Site::Msr(lapic::IA32_APIC_BASE), Width::B64)
        .unwrap();
    let extd = lapic::ApicBase::EXTD.bits();
    m.write(Site::Msr(lapic::IA32_APIC_BASE), Width::B64, base | extd)
        .unwrap();
}

const GP: Fault = Fault::X86 {
    vector: Vector::GENERAL_PROTECTION,
    error_code: 0,
};

#[test]
fn a_self_ipi_is_taken_in_the_next_window_and_stays_in_service_until_eoi() {
    let mut m = model(true, false);
    enable_x2apic(&mut m);
    let self_ipi = Site::Msr(lapic::x2apic_msr(lapic::SELF_IPI));
    m.write(self_ipi, Width::B64, 0x40).unwrap();
    assert_eq!(taken(&mut m), [0x40]);
    let isr = Site::Msr(lapic::x2apic_msr(lapic::array_reg(
        lapic::ISR,
        Vector::new(0x40),
    )));
    assert_eq!(m.read(isr, Width::B64).unwrap(), 1);
    assert_eq!(taken(&mut m), [] as [u8; 0], "taken once");
}

#[test]
fn a_gp_on_a_reserved_x2apic_msr_is_an_x86_fault_with_vector_13() {
    let mut m = model(true, false);
    enable_x2apic(&mut m);
    // 0x809 has no register (SDM vol. 3 table 11-6).
    assert_eq!(m.read(Site::Msr(0x809), Width::B64), Err(GP));
    // The EOI register is write-only.
    let eoi = Site::Msr(lapic::x2apic_msr(lapic::EOI));
    assert_eq!(m.read(eoi, Width::B64), Err(GP));
}

#[test]
fn setting_extd_on_a_cpu_without_x2apic_raises_gp_and_changes_nothing() {
    let mut m = model(false, false);
    let base_msr = Site::Msr(lapic::IA32_APIC_BASE);
    let base = m.read(base_msr, Width::B64).unwrap();
    let extd = lapic::ApicBase::EXTD.bits();
    assert_eq!(m.write(base_msr, Width::B64, base | extd), Err(GP));
    assert_eq!(m.read(base_msr, Width::B64), Ok(base));
    let version = Site::Msr(lapic::x2apic_msr(lapic::VERSION));
    assert_eq!(m.read(version, Width::B64), Err(GP));
}

#[test]
fn an_ioapic_line_delivers_its_redirection_entry_vector_to_cpu_1() {
    let mut m = model(false, false);
    let w = Width::B32;
    let set = |m: &mut X86Model, index: u32, value: u32| {
        m.write(Site::Ioapic(ioapic::IOREGSEL), w, index.into())
            .unwrap();
        m.write(Site::Ioapic(ioapic::IOWIN), w, value.into())
            .unwrap();
    };
    // Pin 5: fixed, physical, edge, vector 0x55, to APIC ID 1.
    set(&mut m, ioapic::redirection_low(5) + 1, 1 << 24);
    set(&mut m, ioapic::redirection_low(5), 0x55);
    m.inject(Inject::Line {
        intid: 5,
        high: true,
    })
    .unwrap();
    assert_eq!(taken(&mut m), [] as [u8; 0], "not CPU 0's");
    let mut on_1 = vec![];
    m.on_cpu(1, &mut |p| {
        on_1 = p.take_interrupts().as_slice().to_vec();
    })
    .unwrap();
    assert_eq!(on_1, [Vector::new(0x55)]);
}

#[test]
fn an_msi_to_the_local_apic_is_taken_and_a_blocked_one_is_served_not_refused() {
    let mut m = model(true, true);
    // Compatibility format, APIC ID 0, vector 0x66 (SDM vol. 3 §11.11.1).
    let msi = Inject::X86Msi {
        address: 0xfee0_0000,
        data: 0x66,
        source_id: 0x0008,
    };
    // Interrupt remapping is off after reset: compatibility format passes through.
    assert_eq!(m.inject(msi), Ok(()));
    assert_eq!(taken(&mut m), [0x66]);
    // Remappable format with remapping off: blocked by the unit, still served.
    let remappable = Inject::X86Msi {
        address: 0xfee0_0010,
        data: 0,
        source_id: 0x0008,
    };
    assert_eq!(m.inject(remappable), Ok(()));
}

#[test]
fn arm_sites_and_device_msis_are_absent_or_refused_on_x86() {
    let mut m = model(true, true);
    assert_eq!(m.read(Site::Gicd(0), Width::B32), Err(Fault::Absent));
    assert_eq!(
        m.read(Site::Icc(IccReg::Pmr), Width::B64),
        Err(Fault::Absent)
    );
    let its = Inject::Msi {
        device: 0,
        event: 0,
    };
    assert!(m.inject(its).is_err());
}

#[test]
fn a_target_without_a_remapping_unit_has_no_dmar_registers() {
    let mut m = model(true, false);
    assert_eq!(m.read(Site::Dmar(0), Width::B32), Err(Fault::Absent));
    let mut with = model(true, true);
    assert_ne!(with.read(Site::Dmar(0), Width::B32), Err(Fault::Absent));
}

#[test]
fn a_window_waits_for_a_one_shot_local_apic_timer() {
    let mut m = model(false, false);
    let w = Width::B32;
    m.write(Site::Lapic(lapic::TIMER_DIVIDE), w, 0xb).unwrap(); // divide by 1
    m.write(Site::Lapic(lapic::LVT_TIMER), w, 0x70).unwrap();
    m.write(Site::Lapic(lapic::TIMER_INITIAL), w, 50 * TICKS_PER_DELAY)
        .unwrap();
    assert_eq!(taken(&mut m), [0x70]);
}

#[test]
fn an_empty_window_reports_nothing_taken() {
    let mut m = model(false, false);
    assert!(m.take_interrupts().is_empty());
}

#[test]
fn on_cpu_moves_accesses_to_that_cpus_local_apic_and_refuses_a_missing_cpu() {
    let mut m = model(false, false);
    let mut id = 0;
    m.on_cpu(1, &mut |p| {
        id = p.read(Site::Lapic(lapic::ID), Width::B32).unwrap() >> 24;
    })
    .unwrap();
    assert_eq!(id, 1);
    assert!(m.on_cpu(2, &mut |_| {}).is_err());
}

#[test]
fn guest_memory_writes_read_back() {
    let mut m = model(true, true);
    m.mem_write(0x10_0000, b"irte").unwrap();
    let mut buf = [0; 4];
    m.mem_read(0x10_0000, &mut buf).unwrap();
    assert_eq!(&buf, b"irte");
}

#[test]
fn an_nmi_sent_before_a_window_is_reported_first_as_vector_2() {
    let mut m = model(false, false);
    let self_fixed = lapic::Icr::xapic(
        lapic::DeliveryMode::Fixed,
        0x51,
        lapic::Shorthand::SelfOnly,
        0,
    );
    let nmi_to_self = lapic::Icr::xapic(lapic::DeliveryMode::Nmi, 0x47, lapic::Shorthand::None, 0);
    for icr in [self_fixed, nmi_to_self] {
        m.write(Site::Lapic(lapic::ICR_HIGH), Width::B32, icr.high().into())
            .unwrap();
        m.write(Site::Lapic(lapic::ICR_LOW), Width::B32, icr.low().into())
            .unwrap();
    }
    assert_eq!(taken(&mut m), [Vector::NMI.raw(), 0x51]);
    assert_eq!(taken(&mut m), Vec::<u8>::new(), "an NMI is reported once");
}
