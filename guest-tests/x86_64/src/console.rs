//! The console: COM1, the 16550 UART at I/O port 0x3f8, polled, and the record stream on top.
//!
//! Records are numbered and written under a per-line lock by [`guest_runtime::console`], a `\n`
//! after each; this module is the UART under it. Input: [`read_line`], for the host's `@@ack`
//! answers.

use guest_kit::protocol::Record;
use guest_runtime::console::{Received, RecordStream};

use crate::cpu::{self, Arch};
use crate::time;

/// COM1's base port.
const COM1: u16 = 0x3f8;
/// Line Status Register offset; bit 0: data ready, bit 5: transmit holding register empty.
const LSR: u16 = 5;
const LSR_DATA_READY: u8 = 1 << 0;
const LSR_THR_EMPTY: u8 = 1 << 5;
/// The longest console input line kept (the host's answers are short).
pub const INPUT_LINE: usize = 64;
/// Polls of a busy transmitter before writing anyway.
const THRE_POLLS: u32 = 1_000_000;
/// The 16550's transmit FIFO depth: once THRE says it is empty, this many bytes go out without
/// another status read, as one string instruction (each port access is a VM exit under a
/// hypervisor; a string is one).
const TX_FIFO: usize = 16;

/// The sequence numbers and the line lock.
static STREAM: RecordStream<Arch> = RecordStream::new();

/// Programs COM1: 115200 baud (divisor 1), 8N1, FIFOs on, interrupts off (the guest polls).
pub fn init() {
    cpu::outb(COM1 + 1, 0x00); // IER: no interrupts
    cpu::outb(COM1 + 3, 0x80); // LCR: DLAB
    cpu::outb(COM1, 0x01); // divisor low
    cpu::outb(COM1 + 1, 0x00); // divisor high
    cpu::outb(COM1 + 3, 0x03); // LCR: 8 bits, no parity, 1 stop bit
    cpu::outb(COM1 + 2, 0xc7); // FCR: FIFOs on and cleared, 14-byte threshold
    cpu::outb(COM1 + 4, 0x03); // MCR: DTR, RTS (OUT2 off: no IRQ to the IOAPIC)
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

/// Writes `text` and a newline, a transmit FIFO's worth at a time with one `rep outsb` each.
fn write_line(text: &str) {
    let mut chunk = [0u8; TX_FIFO];
    let mut filled = 0;
    for &byte in text.as_bytes().iter().chain(b"\n") {
        chunk[filled] = byte;
        filled += 1;
        if filled == TX_FIFO {
            send(&chunk);
            filled = 0;
        }
    }
    send(&chunk[..filled]);
}

/// Sends up to [`TX_FIFO`] bytes once the transmitter is empty.
fn send(bytes: &[u8]) {
    if !bytes.is_empty() {
        wait_tx_empty();
        cpu::outsb(COM1, bytes);
    }
}

/// Waits (bounded) until the transmitter is empty (LSR.THRE, with the FIFOs on: the whole
/// transmit FIFO).
fn wait_tx_empty() {
    for _ in 0..THRE_POLLS {
        if cpu::inb(COM1 + LSR) & LSR_THR_EMPTY != 0 {
            return;
        }
    }
}

/// Reads one line of console input into `buf`, polling until `deadline_us` ([`time::now_us`]).
/// Returns it without its newline (cut to the buffer), or `None` at the deadline.
pub fn read_line(buf: &mut [u8; INPUT_LINE], deadline_us: u64) -> Option<&str> {
    guest_runtime::console::read_line(buf, || {
        if cpu::inb(COM1 + LSR) & LSR_DATA_READY != 0 {
            Received::Byte(cpu::inb(COM1))
        } else if time::now_us() >= deadline_us {
            Received::TimedOut
        } else {
            Received::Nothing
        }
    })
}
