//! `irqsuite-vmm`: the `/init` of the nested Linux of the kvm-arm64 and kvm-x86 backends. It
//! mounts devtmpfs, reads what to run from the kernel command line, creates a VM on `/dev/kvm`
//! with the in-kernel interrupt controllers, loads the test guest with the firmware tables of its
//! own making, runs the vCPUs (one thread each), passes the guest's console lines to its own
//! stdout (the kernel console, so the host's serial), serves the guest's requests to the host
//! (drive a line, send an MSI) through KVM, and powers the machine off when the guests are done.
//!
//! - arm64: the in-kernel vGIC (v2, or v3 and the vITS), the guest's Image (`/guest.img`) with
//!   a device tree, a PL011.
//! - x86_64 ([`x86`]): KVM's modules loaded first; KVM's PIC, IOAPIC and local APICs or the
//!   split irqchip with reference-vtd's IOAPIC in the VMM; the guest's PVH ELF (`/guest.elf`)
//!   with ACPI tables and a PVH start info; COM1.
//!
//! Only the parts that touch KVM are architecture-specific; the layouts, the device tree, the
//! ACPI tables, the UARTs and the command line build and are tested on any host.

#![deny(unsafe_op_in_unsafe_fn)]
// Elsewhere the pure modules are used by their tests only.
#![cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]

mod config;
mod devicetree;
mod layout;
mod requests;
mod uart;
#[cfg(any(test, target_arch = "x86_64"))]
mod x86;

#[cfg(target_arch = "aarch64")]
mod injector;
#[cfg(target_arch = "aarch64")]
mod machine;
#[cfg(any(target_arch = "aarch64", target_arch = "x86_64"))]
mod ram;
#[cfg(any(target_arch = "aarch64", target_arch = "x86_64"))]
mod system;
#[cfg(target_arch = "aarch64")]
mod vcpu;
#[cfg(target_arch = "aarch64")]
mod vgic;

/// Runs the VMs, reports how they ended and powers the machine off.
#[cfg(any(target_arch = "aarch64", target_arch = "x86_64"))]
fn main() {
    use std::io::Write;
    println!("irqsuite-vmm: kernel {}", system::kernel_version());
    #[cfg(target_arch = "aarch64")]
    let outcome = machine::run();
    #[cfg(target_arch = "x86_64")]
    let outcome = x86::machine::run();
    let _ = std::io::stdout().flush();
    match outcome {
        Ok(how) => eprintln!("irqsuite-vmm: {how}"),
        Err(e) => eprintln!("irqsuite-vmm: error: {e}"),
    }
    let e = system::power_off();
    eprintln!("irqsuite-vmm: power off failed: {e}");
    std::process::exit(1);
}

#[cfg(not(any(target_arch = "aarch64", target_arch = "x86_64")))]
fn main() {
    eprintln!("irqsuite-vmm runs only as /init of an aarch64 or x86_64 Linux with KVM");
    std::process::exit(2);
}
