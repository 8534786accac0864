//! irqsuite's x86_64 guest: one ELF that QEMU's `-kernel` (q35) and Xen's PVH domain builder
//! both start, that discovers its machine from ACPI and runs the case catalogue against the
//! local APICs, the IOAPIC and the VT-d unit, printing every observation as a COM1 record
//! (DESIGN.md, "Guests").
//!
//! Boot: the PVH entry note and 32-bit stub ([`boot`]) get to long mode on an identity map and
//! call [`rust_start`] with the PVH start info; it loads the GDT (a TSS per CPU), the IDT
//! ([`traps`]) and GS ([`cpu`]), programs COM1 ([`console`]), reads the start info ([`pvh`]) and
//! the ACPI tables ([`acpi`]), calibrates the TSC ([`time`]) and runs the catalogue
//! ([`runner`]); [`smp`] starts the other CPUs with INIT-SIPI-SIPI. The run ends through
//! [`exit`].
//!
//! Build (the host runner does the same): from `guest-tests/x86_64`,
//! `cargo build --release` (target and flags from `.cargo/config.toml`), giving
//! `target/x86_64-unknown-none/release/irqsuite-x86_64`, the ELF `-kernel` takes as it is.
#![no_std]
#![no_main]
#![deny(unsafe_op_in_unsafe_fn)]

mod acpi;
mod arena;
mod boot;
mod console;
mod cpu;
mod devices;
mod exit;
mod legacy_pic;
mod mmio;
mod once;
mod phys;
mod platform;
mod pvh;
mod runner;
mod smp;
mod time;
mod traps;
mod xen;

use core::panic::PanicInfo;

use guest_kit::protocol::Record;

/// The first Rust code, on the boot stack, with the PVH start info's physical address.
extern "C" fn rust_start(start_info: u32) -> ! {
    cpu::init_boot_cpu();
    console::init();
    // SAFETY: `ebx` at the PVH entry, passed through unchanged by the boot stub.
    let start = match unsafe { pvh::read(start_info.into()) } {
        Ok(start) => start,
        Err(why) => stop(why),
    };
    // SAFETY: the firmware's ACPI tables, below 4 GiB, identity mapped, never written.
    let machine = match unsafe { acpi::discover(start.rsdp) } {
        Ok(machine) => machine,
        Err(why) => stop(why),
    };
    if machine.pcat_compat {
        legacy_pic::mask_all();
    }
    let calibration = time::calibrate(machine.pm_timer);
    exit::configure(
        exit::debug_exit_port(start.cmdline),
        machine.pm1a_control,
        machine.s5_sleep_type,
    );
    runner::run(machine, start, calibration)
}

/// Discovery failed: say why and end the run as well as the guest can.
fn stop(why: &'static str) -> ! {
    console::emit(&Record::Log(why));
    exit::fail()
}

/// Prints `log panic: <message> at <file>:<line>` (cut to fit a record), then exits; the host
/// reboots the guest after the case that panicked.
#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    console::log_panic(info);
    exit::fail()
}
