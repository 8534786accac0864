//! The x86_64 half of the VMM: `/init` of the kvm-x86 backend's nested amd64 Linux. It loads
//! KVM's modules, then runs the test guest (a PVH ELF, `/guest.elf`) on `/dev/kvm` with KVM's
//! in-kernel PIC, IOAPIC and local APICs (`irqchip`) or with KVM's local APICs and
//! reference-vtd's IOAPIC in the VMM (`split`), with ACPI tables and a PVH start info of its own
//! making, COM1 on port I/O, and the guest's requests served through KVM.
//!
//! The pure parts (layout, ELF note, ACPI tables, start info, boot descriptors, COM1, the PM
//! timer and exit ports) build and are tested on any host; the rest only on x86_64.

pub mod acpi;
pub mod boot;
pub mod com1;
pub mod elf;
pub mod layout;
pub mod ports;
pub mod start_info;

#[cfg(target_arch = "x86_64")]
pub mod chip;
#[cfg(target_arch = "x86_64")]
pub mod machine;
#[cfg(target_arch = "x86_64")]
pub mod modules;
#[cfg(target_arch = "x86_64")]
pub mod vcpu;
