//! x86 local APIC cases (Intel SDM vol. 3 chapter 11), for the x86_64 guest.
//!
//! The kit keeps interrupts disabled except in [`guest_kit::Ctx::take_interrupts`] windows, so a
//! delivery is an observation like a register read; a case EOIs what it took.

use guest_kit::Case;

mod ioapic_version;
mod lapic_version;
mod vtd_version;
mod x2apic_eoi_read_gp;
mod x2apic_self_ipi;
mod xapic_ipi_to_other_cpu;
mod xapic_tpr_blocks_lower_class;

/// The x86 cases, in run order: identification, then delivery on one CPU, then across CPUs.
pub const CASES: &[Case] = &[
    lapic_version::CASE,
    ioapic_version::CASE,
    vtd_version::CASE,
    x2apic_eoi_read_gp::CASE,
    x2apic_self_ipi::CASE,
    xapic_tpr_blocks_lower_class::CASE,
    xapic_ipi_to_other_cpu::CASE,
];
