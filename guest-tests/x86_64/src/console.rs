//! The console: COM1, the 16550 UART at I/O port 0x3f8, polled, and the record stream on top.
//!
//! Every record goes out through [`guest_kit::protocol::encode`] with one sequence number per
//! boot, counted from 0, and a `\n` after it. Lines are written under a lock that knows its owner
//! ([`LineLock`]), so two CPUs never tear lines and an exception handler printing on a CPU that
//! was interrupted mid-line goes ahead. Input: [`read_line`], for the host's `@@ack` answers.

use core::sync::atomic::{AtomicU32, Ordering};

use guest_kit::protocol::{LineBuf, Record, encode};

use crate::{cpu, time};

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
/// another status read (each port access is a VM exit under a hypervisor).
const TX_FIFO: usize = 16;

/// The sequence number of the next record.
static SEQ: AtomicU32 = AtomicU32::new(0);
/// [`OWNER`] when no CPU holds the lock.
const UNLOCKED: u32 = u32::MAX;
/// Attempts at taking the lock before writing without it.
const LOCK_ATTEMPTS: u32 = 10_000_000;
/// The CPU holding the console, or [`UNLOCKED`].
static OWNER: AtomicU32 = AtomicU32::new(UNLOCKED);

/// Holds the console for one line.
struct LineLock {
    taken: bool,
}

impl LineLock {
    fn acquire() -> LineLock {
        let me = cpu::this_cpu() as u32;
        if OWNER.load(Ordering::Relaxed) == me {
            return LineLock { taken: false };
        }
        for _ in 0..LOCK_ATTEMPTS {
            if OWNER
                .compare_exchange_weak(UNLOCKED, me, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return LineLock { taken: true };
            }
            core::hint::spin_loop();
        }
        LineLock { taken: false }
    }
}

impl Drop for LineLock {
    fn drop(&mut self) {
        if self.taken {
            OWNER.store(UNLOCKED, Ordering::Release);
        }
    }
}

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
    let _lock = LineLock::acquire();
    let seq = SEQ.fetch_add(1, Ordering::SeqCst);
    let mut line = LineBuf::default();
    match encode(seq, record, &mut line) {
        Ok(text) => write_line(text),
        Err(_) => {
            if let Ok(text) = encode(seq, &Record::Log("record too long, dropped"), &mut line) {
                write_line(text);
            }
        }
    }
}

fn write_line(text: &str) {
    let bytes = text.as_bytes().iter().chain(b"\n");
    for (i, &byte) in bytes.enumerate() {
        if i % TX_FIFO == 0 {
            wait_tx_empty();
        }
        cpu::outb(COM1, byte);
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
    let mut len = 0;
    loop {
        if cpu::inb(COM1 + LSR) & LSR_DATA_READY == 0 {
            if time::now_us() >= deadline_us {
                return None;
            }
            core::hint::spin_loop();
            continue;
        }
        let byte = cpu::inb(COM1);
        match byte {
            b'\n' => return core::str::from_utf8(&buf[..len]).ok(),
            b'\r' => {}
            _ if len < INPUT_LINE => {
                buf[len] = byte;
                len += 1;
            }
            _ => {}
        }
    }
}
