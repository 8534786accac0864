//! The console: a polled PL011 (or SBSA UART, its subset that Xen's vpl011 emulates) and the
//! record stream on top of it.
//!
//! Every record goes out through [`guest_kit::protocol::encode`] with one sequence number per
//! boot, counted from 0, and a `\n` after it. The exception handlers print too, so the state is
//! global. Only one CPU runs case code at a time (the others wait in [`crate::smp`]), but a line
//! is still written under a lock ([`LineLock`]), so two CPUs can never tear or reorder lines.
//!
//! Under a hypervisor every UART access is a trap, so a line goes out in bursts: with the PL011's
//! FIFOs enabled (UARTLCR_H.FEN, PL011 TRM 3.3.7) the guest waits for an empty transmit FIFO
//! (UARTFR.TXFE) and then writes [`FIFO_DEPTH`] bytes without looking again; otherwise (FIFOs
//! off: a one-character holding register; or the SBSA UART, which has no UARTLCR_H) it checks
//! UARTFR.TXFF before every byte.

use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use guest_kit::Width;
use guest_kit::protocol::{LineBuf, Record, encode};

use crate::mmio;

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
/// The sequence number of the next record.
static SEQ: AtomicU32 = AtomicU32::new(0);

/// [`OWNER`] when no CPU holds the lock.
const UNLOCKED: u32 = u32::MAX;
/// Attempts at taking the lock before writing without it: a CPU that stopped while holding it
/// (a hung access on a secondary) must not silence the console.
const LOCK_ATTEMPTS: u32 = 10_000_000;

/// The CPU holding the console (its index), or [`UNLOCKED`].
static OWNER: AtomicU32 = AtomicU32::new(UNLOCKED);

/// Holds the console for one line: a spin lock that knows its owner, so an exception handler
/// printing on a CPU that was interrupted mid-line (a fault on the UART itself) goes ahead
/// instead of deadlocking.
struct LineLock {
    /// Whether this guard took the lock (and so releases it).
    taken: bool,
}

impl LineLock {
    fn acquire() -> LineLock {
        let me = crate::smp::this_cpu() as u32;
        if OWNER.load(Ordering::Relaxed) == me {
            // Re-entered from an exception handler on the CPU that holds it.
            return LineLock { taken: false };
        }
        for _ in 0..LOCK_ATTEMPTS {
            // Acquire: the previous owner's UART writes and sequence number come before ours.
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
            // Release: this line's writes happen before the next owner's.
            OWNER.store(UNLOCKED, Ordering::Release);
        }
    }
}

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
    // The sequence number is taken under the lock, so numbers follow the order of the lines.
    let _lock = LineLock::acquire();
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
    let mut len = 0;
    loop {
        // SAFETY: `base` is the UART from the device tree, mapped as device memory; UARTFR reads
        // have no side effect.
        let empty = unsafe { mmio::read(base + FR, Width::B32) } & FR_RXFE != 0;
        if empty {
            if crate::sysreg::counter() >= deadline {
                return None;
            }
            core::hint::spin_loop();
            continue;
        }
        // SAFETY: as above; a read of UARTDR takes one received character.
        let byte = unsafe { mmio::read(base + DR, Width::B32) } as u8;
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
