//! irqsuite's aarch64 guest: an arm64 Linux Image that discovers its machine from the device
//! tree and runs the case catalogue against the interrupt controller, printing every observation
//! as a console record (DESIGN.md, "Guests").
//!
//! Boot: the loader jumps to the Image header ([`head`]), which branches to aarch64-rt's `entry`:
//! down from EL2 to EL1 if entered at EL2 ([`el2`]), MMU on with the identity map of [`mmu`],
//! `.bss` zeroed, stack set, exception vectors ([`exceptions`]) installed, then [`main`] with
//! x0 = the device tree. [`smp`] starts the other CPUs listed in the tree, which take the same
//! path to EL1 and then wait for work from the boot CPU.
#![no_std]
#![no_main]
#![deny(unsafe_op_in_unsafe_fn)]

mod arena;
mod console;
mod dt;
mod el2;
mod exceptions;
mod head;
mod mmio;
mod mmu;
mod platform;
mod psci;
mod runner;
mod smp;
mod sysreg;

use core::panic::PanicInfo;

use aarch64_rt::entry;

entry!(main, 16);

/// The Rust entry point: x0 holds the device tree's address.
fn main(x0: u64, _x1: u64, _x2: u64, _x3: u64) -> ! {
    // Before anything can fault: the exception handlers find this CPU's state by its index.
    sysreg::set_cpu_index(0);
    runner::run(x0 as usize)
}

/// Prints `log panic: <message> at <file>:<line>` (cut to fit a record), then powers off; the
/// host reboots the guest after the case that panicked.
#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    console::log_panic(info);
    psci::system_off()
}
