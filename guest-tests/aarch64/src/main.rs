//! irqsuite's aarch64 guest: an arm64 Linux Image that discovers its machine from the device
//! tree and runs the case catalogue against the interrupt controller, printing every observation
//! as a console record (DESIGN.md, "Guests").
//!
//! Boot: the loader jumps to the Image header ([`head`]), which branches to aarch64-rt's `entry`:
//! MMU on with the identity map of [`mmu`], `.bss` zeroed, stack set, exception vectors
//! ([`exceptions`]) installed, then [`main`] with x0 = the device tree.
#![no_std]
#![no_main]
#![deny(unsafe_op_in_unsafe_fn)]

mod console;
mod dt;
mod exceptions;
mod head;
mod mmio;
mod mmu;
mod platform;
mod psci;
mod runner;
mod sysreg;

use core::fmt::{self, Write};
use core::panic::PanicInfo;

use aarch64_rt::entry;
use guest_kit::protocol::Record;

entry!(main, 16);

/// The Rust entry point: x0 holds the device tree's address.
fn main(x0: u64, _x1: u64, _x2: u64, _x3: u64) -> ! {
    runner::run(x0 as usize)
}

/// Prints `log panic: <message> at <file>:<line>` (cut to fit a record), then powers off; the
/// host reboots the guest after the case that panicked.
#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    let mut text = Truncating::default();
    let _ = write!(text, "panic: {}", info.message());
    if let Some(location) = info.location() {
        let _ = write!(text, " at {}:{}", location.file(), location.line());
    }
    console::emit(&Record::Log(text.as_str()));
    psci::system_off()
}

/// A small text buffer that keeps what fits and drops the rest.
struct Truncating {
    buf: [u8; 96],
    len: usize,
}

impl Default for Truncating {
    fn default() -> Self {
        Truncating {
            buf: [0; 96],
            len: 0,
        }
    }
}

impl Truncating {
    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("panic")
    }
}

impl Write for Truncating {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            let mut utf8 = [0; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            let end = self.len + bytes.len();
            if end > self.buf.len() {
                break;
            }
            self.buf[self.len..end].copy_from_slice(bytes);
            self.len = end;
        }
        Ok(())
    }
}
