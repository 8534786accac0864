//! The guest's PL011, emulated on the physical one (Arm DDI 0183): the guest's page traps, its
//! UARTDR writes are collected per vCPU into lines and each line is written whole and
//! unchanged, so refvisor's own lines (`console`) never split a guest record. Reads go to the
//! physical UART (UARTFR with TXFF clear: refvisor buffers), so the host's answers on the
//! console input (`@@ack`) reach the guest as they are; other writes are ignored.
//!
//! refvisor reads the guest's records as they pass (the wire format of `guest_kit::protocol`:
//! `@@irq <seq> <body> #<crc>`): at a case's start it resets the LR trace, before the case's
//! end record it prints the trace (`refvisor: lr case=<id> ...`), and at a line request
//! (`req <id> line <intid> <0|1>`) it drives the line in the model before the host's answer
//! can reach the guest.

use spin::Mutex;

use crate::console::{raw_line, say};
use crate::dt::MAX_CPUS;
use crate::world;

/// The PL011's size: one page.
pub const SIZE: usize = 0x1000;

const DR: u32 = 0x00;
const FR: u32 = 0x18;
const FR_TXFF: u64 = 1 << 5;
/// The longest line kept whole; longer ones are written in pieces.
const LINE: usize = 256;

struct Lines {
    buf: [[u8; LINE]; MAX_CPUS],
    len: [usize; MAX_CPUS],
    /// The case in progress (its id, from its start record).
    case: [u8; 64],
    case_len: usize,
    /// The physical count at the case's start.
    case_start: u64,
}

static LINES: Mutex<Lines> = Mutex::new(Lines {
    buf: [[0; LINE]; MAX_CPUS],
    len: [0; MAX_CPUS],
    case: [0; 64],
    case_len: 0,
    case_start: 0,
});

/// The guest's read of `offset` in its UART page.
pub fn read(offset: u32) -> u64 {
    let Some(uart) = crate::console::base() else {
        return 0;
    };
    let value = u64::from(uart.at(offset as usize & !3).read32());
    if offset == FR {
        value & !FR_TXFF
    } else {
        value
    }
}

/// The guest's write of `value` at `offset` of its UART page, from vCPU `cpu`.
pub fn write(cpu: usize, offset: u32, value: u64) {
    if offset != DR || cpu >= MAX_CPUS {
        return;
    }
    let byte = value as u8;
    let mut lines = LINES.lock();
    if byte == b'\n' {
        let len = lines.len[cpu];
        lines.len[cpu] = 0;
        let line = lines.buf[cpu];
        let request = line_done(&mut lines, &line[..len]);
        // Not under the lock: driving a line waits for the other vCPUs to fold, and one of
        // them may be writing to its UART.
        drop(lines);
        if let Some((intid, high)) = request {
            world::exit(cpu, |w| w.set_line(cpu, intid, high));
        }
        raw_line(&line[..len]);
        return;
    }
    let len = lines.len[cpu];
    lines.buf[cpu][len] = byte;
    lines.len[cpu] += 1;
    if lines.len[cpu] == LINE {
        lines.len[cpu] = 0;
        let line = lines.buf[cpu];
        raw_line(&line);
    }
}

/// A whole guest line: follow the case records (the LR trace), and return a line request's
/// interrupt and level, which the caller drives before passing the line on.
fn line_done(lines: &mut Lines, line: &[u8]) -> Option<(u32, bool)> {
    let text = core::str::from_utf8(line).unwrap_or("");
    let mut words = text.split_ascii_whitespace();
    let body = match (words.next(), words.next()) {
        (Some("@@irq"), Some(_seq)) => words.next(),
        _ => None,
    };
    match body {
        Some("case") => {
            let id = words.nth(1).unwrap_or("?").as_bytes();
            let n = id.len().min(lines.case.len());
            lines.case[..n].copy_from_slice(&id[..n]);
            lines.case_len = n;
            lines.case_start = crate::sysreg::read_cntpct_el0();
            world::take_stats();
        }
        Some("end") => {
            let stats = world::take_stats();
            let id = core::str::from_utf8(&lines.case[..lines.case_len]).unwrap_or("?");
            let ticks = crate::sysreg::read_cntpct_el0() - lines.case_start;
            let us = ticks * 1_000_000 / crate::sysreg::read_cntfrq_el0().max(1);
            say!("lr case={id} {stats} us={us}");
        }
        Some("req") => {
            let _id = words.next();
            if let (Some("line"), Some(intid), Some(level)) =
                (words.next(), words.next(), words.next())
                && let Ok(intid) = intid.parse::<u32>()
            {
                return Some((intid, level == "1"));
            }
        }
        _ => {}
    }
    None
}
