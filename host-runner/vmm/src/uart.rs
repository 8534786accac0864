//! The guest's console: the few PL011 registers the test guest touches, emulated on MMIO exits
//! (Arm PL011 TRM, 3.3.1 UARTDR and 3.3.3 UARTFR). Writes to UARTDR are output bytes, collected
//! into lines so two vCPUs never interleave inside one; reads of UARTDR take the next byte of
//! the input the VMM queued (the answers to the guest's requests); UARTFR says the transmit
//! FIFO is empty and whether input waits; UARTLCR_H says the FIFOs are on (3.3.7); every other
//! register reads as 0 and ignores writes.

use std::collections::VecDeque;

/// UARTDR, the data register.
const DR: u64 = 0x00;
/// UARTFR, the flag register.
const FR: u64 = 0x18;
/// UARTLCR_H, the line control register.
const LCR_H: u64 = 0x2c;
/// UARTLCR_H as this UART reports it: FEN (FIFOs enabled) and WLEN = 8 bits. With FIFOs on a
/// guest may write a FIFO's worth of bytes after each look at UARTFR.TXFE: one trap instead of
/// one per byte.
const LCR_H_FIFOS_8BIT: u32 = (1 << 4) | (0b11 << 5);
/// UARTFR.TXFE: nothing left to send (writes complete at once).
const FR_TXFE: u32 = 1 << 7;
/// UARTFR.RXFE: nothing received.
const FR_RXFE: u32 = 1 << 4;
/// A line longer than this is passed on without waiting for its end.
const MAX_LINE: usize = 512;

/// The UART's state: the line being written and the input not yet read.
#[derive(Default)]
pub struct Pl011 {
    line: Vec<u8>,
    input: VecDeque<u8>,
}

impl Pl011 {
    /// The value a read of the register at `offset` returns (a UARTDR read takes a byte).
    pub fn read(&mut self, offset: u64) -> u32 {
        match offset {
            DR => self.input.pop_front().map_or(0, u32::from),
            FR if self.input.is_empty() => FR_TXFE | FR_RXFE,
            FR => FR_TXFE,
            LCR_H => LCR_H_FIFOS_8BIT,
            _ => 0,
        }
    }

    /// Queues `bytes` as input for the guest to read.
    pub fn receive(&mut self, bytes: &[u8]) {
        self.input.extend(bytes);
    }

    /// A write of `value` to the register at `offset`; returns a complete line (with its
    /// `\n`) when this write ended one.
    pub fn write(&mut self, offset: u64, value: u32) -> Option<Vec<u8>> {
        if offset != DR {
            return None;
        }
        let byte = value as u8;
        self.line.push(byte);
        if byte == b'\n' || self.line.len() >= MAX_LINE {
            return Some(std::mem::take(&mut self.line));
        }
        None
    }

    /// What is left of an unfinished line.
    pub fn flush(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_written_to_dr_come_out_as_whole_lines() {
        let mut uart = Pl011::default();
        let out: Vec<_> = b"@@x\nab"
            .iter()
            .filter_map(|&b| uart.write(DR, b.into()))
            .collect();
        assert_eq!(out, vec![b"@@x\n".to_vec()]);
        assert_eq!(uart.flush(), b"ab");
    }

    #[test]
    fn queued_input_is_read_from_dr_in_order_while_fr_says_not_empty() {
        let mut uart = Pl011::default();
        uart.receive(b"ok\n");
        let mut got = Vec::new();
        while uart.read(FR) & FR_RXFE == 0 {
            got.push(uart.read(DR) as u8);
        }
        assert_eq!(got, b"ok\n");
        assert_eq!(uart.read(DR), 0, "an empty FIFO reads 0");
    }

    #[test]
    fn the_flag_register_says_idle_and_other_registers_read_zero() {
        let mut uart = Pl011::default();
        assert_eq!(
            uart.read(FR) & (1 << 5),
            0,
            "TXFF clear: the guest may write"
        );
        assert_ne!(uart.read(FR) & (1 << 4), 0, "RXFE set: no input");
        assert_ne!(uart.read(LCR_H) & (1 << 4), 0, "FEN: the FIFOs are on");
        assert_eq!(uart.read(0x30), 0);
        assert_eq!(uart.write(0x30, u32::from(b'\n')), None, "not DR: ignored");
        assert!(uart.flush().is_empty());
    }
}
