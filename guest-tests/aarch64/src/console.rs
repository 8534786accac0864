//! The console: a polled PL011 (or SBSA UART, its subset that Xen's vpl011 emulates) and the
//! record stream on top of it.
//!
//! Every record goes out through [`guest_kit::protocol::encode`] with one sequence number per
//! boot, counted from 0, and a `\n` after it. The exception handlers print too, so the state is
//! global (one CPU, interrupts masked: no locking needed beyond atomics).

use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use guest_kit::Width;
use guest_kit::protocol::{LineBuf, Record, encode};

use crate::mmio;

/// UARTDR, the data register.
const DR: usize = 0x00;
/// UARTFR, the flag register.
const FR: usize = 0x18;
/// UARTFR.TXFF: the transmit FIFO is full.
const FR_TXFF: u64 = 1 << 5;
/// How many times to poll a full FIFO before writing anyway: a broken UART model must not hang
/// the guest silently.
const TXFF_POLLS: u32 = 1_000_000;

/// The UART base address; 0 while there is none (output is dropped).
static UART: AtomicUsize = AtomicUsize::new(0);
/// The sequence number of the next record.
static SEQ: AtomicU32 = AtomicU32::new(0);

/// Sends output to the UART at `base` (from the device tree).
pub fn init(base: usize) {
    UART.store(base, Ordering::SeqCst);
}

/// Prints `record` as one line with the next sequence number.
pub fn emit(record: &Record<'_>) {
    let seq = SEQ.fetch_add(1, Ordering::SeqCst);
    let mut line = LineBuf::default();
    match encode(seq, record, &mut line) {
        Ok(text) => write_line(text),
        // Records are sized to fit (free text is cut by `encode`); if one still does not, say so
        // under the same sequence number rather than leave a gap the host reads as a lost line.
        Err(_) => {
            if let Ok(text) = encode(seq, &Record::Log("record too long, dropped"), &mut line) {
                write_line(text);
            }
        }
    }
}

/// Writes `text` and a newline.
fn write_line(text: &str) {
    for &b in text.as_bytes() {
        put(b);
    }
    put(b'\n');
}

/// Writes one byte, waiting (bounded) for room in the FIFO.
fn put(byte: u8) {
    let base = UART.load(Ordering::SeqCst);
    if base == 0 {
        return;
    }
    for _ in 0..TXFF_POLLS {
        // SAFETY: `base` is the PL011 from the device tree, mapped as device memory by `mmu`;
        // UARTFR reads have no side effect.
        if unsafe { mmio::read(base + FR, Width::B32) } & FR_TXFF == 0 {
            break;
        }
    }
    // SAFETY: as above; a write to UARTDR sends one character.
    unsafe { mmio::write(base + DR, Width::B32, byte.into()) };
}
