//! `irqsuite-vmm`: the `/init` of the kvm-arm64 backend's nested Linux. It mounts devtmpfs,
//! reads what to run from the kernel command line, creates a VM on `/dev/kvm` with the
//! in-kernel vGIC (v2, or v3 and the vITS), loads the test guest's Image (`/guest.img`) with a
//! device tree of its own making, runs the vCPUs (one thread each), passes the guest's console
//! lines to its own stdout (the kernel console, so the host's serial), serves the guest's
//! requests to the host (drive a line, send a device MSI) through KVM, and powers the machine
//! off when the guest does.
//!
//! Only the parts that touch KVM are aarch64-only; the layout, the device tree, the UART and
//! the command line build and are tested on any host.

#![deny(unsafe_op_in_unsafe_fn)]
// Elsewhere the pure modules are used by their tests only.
#![cfg_attr(not(target_arch = "aarch64"), allow(dead_code))]

mod config;
mod devicetree;
mod layout;
mod requests;
mod uart;

#[cfg(target_arch = "aarch64")]
mod injector;
#[cfg(target_arch = "aarch64")]
mod machine;
#[cfg(target_arch = "aarch64")]
mod ram;
#[cfg(target_arch = "aarch64")]
mod system;
#[cfg(target_arch = "aarch64")]
mod vcpu;
#[cfg(target_arch = "aarch64")]
mod vgic;

#[cfg(target_arch = "aarch64")]
fn main() {
    use std::io::Write;
    let outcome = machine::run();
    let _ = std::io::stdout().flush();
    match outcome {
        Ok(how) => eprintln!("irqsuite-vmm: {how}"),
        Err(e) => eprintln!("irqsuite-vmm: error: {e}"),
    }
    let e = system::power_off();
    eprintln!("irqsuite-vmm: power off failed: {e}");
    std::process::exit(1);
}

#[cfg(not(target_arch = "aarch64"))]
fn main() {
    eprintln!("irqsuite-vmm runs only as /init of an aarch64 Linux with KVM");
    std::process::exit(2);
}
