//! The console: a polled PL011 (or SBSA UART, its subset that Xen's vpl011 emulates) and the
//! record stream on top of it.
//!
//! Records are numbered and written under a per-line lock by [`guest_runtime::console`], a `\n`
//! after each; this module is the UART under it.
//!
//! Under a hypervisor every UART access is a trap, so a line goes out in bursts: with the PL011's
//! FIFOs enabled (UARTLCR_H.FEN, PL011 TRM 3.3.7) the guest waits for an empty transmit FIFO
//! (UARTFR.TXFE) and then writes [`FIFO_DEPTH`] bytes without looking again; otherwise (FIFOs
//! off: a one-character holding register; or the SBSA UART, which has no UARTLCR_H) it checks
//! UARTFR.TXFF before every byte.

use core::sync::atomic::{AtomicUsize, Ordering};

use guest_kit::Width;
use guest_kit::protocol::Record;
use guest_runtime::console::{Received, RecordStream};

use crate::mmio;
use crate::sysreg::Arch;

/// UARTDR, the data register.
const DR: usize = 0x00;
/// UARTFR, the flag register.
const FR: usize = 0x18;
/// UARTLCR_H, the line control register (not in the SBSA UART).
const LCR_H: usize = 0x2c;
/// UARTLCR_H.FEN: FIFOs enabled.
const LCR_H_FEN: u64 = 1 << 4;
/// UARTFR.TXFE: the transmit FIFO is empty.
const FR_TXFE: u64 = 1 << 7;
/// The transmit FIFO's depth: 16 bytes up to PL011 r1p4 (32 from r1p5), so 16 is always safe.
const FIFO_DEPTH: usize = 16;
/// UARTFR.TXFF: the transmit FIFO is full.
const FR_TXFF: u64 = 1 << 5;
/// UARTFR.RXFE: the receive FIFO is empty.
const FR_RXFE: u64 = 1 << 4;
/// The longest console input line kept (the host's answers are short).
pub const INPUT_LINE: usize = 64;
/// How many times to poll a full FIFO before writing anyway: a broken UART model must not hang
/// the guest silently.
const TXFF_POLLS: u32 = 1_000_000;

/// The UART base address; 0 while there is none (output is dropped).
static UART: AtomicUsize = AtomicUsize::new(0);
/// Bytes written per wait for room: [`FIFO_DEPTH`] with FIFOs on, else 1.
static BURST: AtomicUsize = AtomicUsize::new(1);
/// The sequence numbers and the line lock.
static STREAM: RecordStream<Arch> = RecordStream::new();

/// Sends output to `uart` (from the device tree).
pub fn init(uart: crate::dt::Uart) {
    let burst = if uart.full_pl011 {
        // SAFETY: `base` is the PL011 from the device tree, mapped as device memory by `mmu`;
        // UARTLCR_H reads have no side effect.
        let lcr_h = unsafe { mmio::read(uart.base + LCR_H, Width::B32) };
        if lcr_h & LCR_H_FEN != 0 {
            FIFO_DEPTH
        } else {
            1
        }
    } else {
        1
    };
    BURST.store(burst, Ordering::SeqCst);
    UART.store(uart.base, Ordering::SeqCst);
}

/// Prints `record` as one line with the next sequence number.
pub fn emit(record: &Record<'_>) {
    STREAM.emit(record, write_line);
}

/// Prints `log panic: <message> at <file>:<line>` (cut to fit), for the panic handler.
pub fn log_panic(info: &core::panic::PanicInfo<'_>) {
    STREAM.log_panic(info, write_line);
}

/// Prints a `log` record formatted from `args` (cut to fit).
pub fn log(args: core::fmt::Arguments<'_>) {
    STREAM.log(args, write_line);
}

/// Writes `text` and a newline.
fn write_line(text: &str) {
    let base = UART.load(Ordering::SeqCst);
    if base == 0 {
        return;
    }
    let burst = BURST.load(Ordering::SeqCst);
    let bytes = text.as_bytes().iter().chain(b"\n");
    let mut room = 0;
    for &byte in bytes {
        if room == 0 {
            wait_for_room(base, burst);
            room = burst;
        }
        // SAFETY: `base` is the PL011 from the device tree, mapped as device memory by `mmu`;
        // a write to UARTDR sends one character, and there is room for it.
        unsafe { mmio::write(base + DR, Width::B32, byte.into()) };
        room -= 1;
    }
}

/// Waits (bounded) until the transmit FIFO can take `burst` bytes: empty for a burst, not
/// full for one byte.
fn wait_for_room(base: usize, burst: usize) {
    for _ in 0..TXFF_POLLS {
        // SAFETY: `base` is the PL011 from the device tree, mapped as device memory by `mmu`;
        // UARTFR reads have no side effect.
        let fr = unsafe { mmio::read(base + FR, Width::B32) };
        let ready = if burst > 1 {
            fr & FR_TXFE != 0
        } else {
            fr & FR_TXFF == 0
        };
        if ready {
            return;
        }
    }
}

/// Reads one line of console input (the host's answer to a request) into `buf`, polling the
/// UART until `deadline` on the virtual counter. Returns the line without its newline (cut to
/// the buffer), or `None` when the deadline passed or there is no UART.
pub fn read_line(buf: &mut [u8; INPUT_LINE], deadline: u64) -> Option<&str> {
    let base = UART.load(Ordering::SeqCst);
    if base == 0 {
        return None;
    }
    guest_runtime::console::read_line(buf, || {
        // SAFETY: `base` is the UART from the device tree, mapped as device memory; UARTFR reads
        // have no side effect.
        let empty = unsafe { mmio::read(base + FR, Width::B32) } & FR_RXFE != 0;
        if !empty {
            // SAFETY: as above; a read of UARTDR takes one received character.
            Received::Byte(unsafe { mmio::read(base + DR, Width::B32) } as u8)
        } else if crate::sysreg::counter() >= deadline {
            Received::TimedOut
        } else {
            Received::Nothing
        }
    })
}
