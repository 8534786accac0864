//! refvisor's own console lines on the PL011 it shares with the guest: every line of
//! refvisor's starts with [`PREFIX`], and lines are written whole under one lock, so the host
//! tells them apart from the guest's records, which pass through unchanged (`uart`).

use core::fmt::{self, Write};

use spin::Mutex;

use crate::mmio::Reg;

/// What starts every line refvisor prints.
pub const PREFIX: &str = "refvisor: ";

/// PL011 registers (Arm DDI 0183 §3.2): UARTDR, UARTFR and its TXFF bit.
const DR: usize = 0x00;
const FR: usize = 0x18;
const FR_TXFF: u32 = 1 << 5;

/// The UART base, once discovered.
static UART: Mutex<Option<Reg>> = Mutex::new(None);

/// Uses the PL011 at `base` from now on.
pub fn init(base: usize) {
    *UART.lock() = Some(Reg(base));
}

/// The physical UART's base, once known.
pub fn base() -> Option<Reg> {
    *UART.lock()
}

/// How long to wait between two looks at a full transmit FIFO.
const TXFF_BACKOFF_US: u64 = 20;

/// Writes one byte once the transmit FIFO has room. While it is full (the host has not drained
/// the console yet), UARTFR is read only every [`TXFF_BACKOFF_US`]: under QEMU every UARTFR read
/// takes the emulator's global lock, which the thread draining the console and the other
/// vCPUs' GIC accesses need too, so a tight poll would hold up the very drain it waits for.
fn put(uart: Reg, byte: u8) {
    while uart.at(FR).read32() & FR_TXFF != 0 {
        let start = crate::sysreg::read_cntpct_el0();
        let ticks = TXFF_BACKOFF_US * crate::sysreg::read_cntfrq_el0() / 1_000_000;
        while crate::sysreg::read_cntpct_el0() - start < ticks {
            core::hint::spin_loop();
        }
    }
    uart.at(DR).write8(byte);
}

/// Writes `bytes` and a newline as one line (nothing when there is no UART yet).
pub fn raw_line(bytes: &[u8]) {
    let guard = UART.lock();
    if let Some(uart) = *guard {
        for &b in bytes {
            put(uart, b);
        }
        put(uart, b'\n');
    }
}

/// A line of at most 160 bytes, cut beyond.
struct Line {
    buf: [u8; 160],
    len: usize,
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len < self.buf.len() {
                self.buf[self.len] = b;
                self.len += 1;
            }
        }
        Ok(())
    }
}

/// Prints `refvisor: <args>` as one line.
pub fn print(args: fmt::Arguments<'_>) {
    let mut line = Line {
        buf: [0; 160],
        len: 0,
    };
    let _ = line.write_str(PREFIX);
    let _ = line.write_fmt(args);
    raw_line(&line.buf[..line.len]);
}

/// `say!("...", ..)`: one refvisor console line.
macro_rules! say {
    ($($arg:tt)*) => { $crate::console::print(format_args!($($arg)*)) };
}
pub(crate) use say;
