//! COM1, the guest's console: the registers of a 16550 UART (National Semiconductor PC16550D
//! data sheet, "Registers") at I/O ports 0x3F8-0x3FF, enough for a polled driver. THR writes
//! are output bytes, collected into lines so two vCPUs never interleave inside one; RBR reads
//! take the next byte of the input the VMM queued (the answers to the guest's requests); LSR
//! says the transmitter is empty (writes complete at once) and whether input waits (DR). With
//! LCR.DLAB set, offsets 0 and 1 are the divisor latch instead. IER, LCR, MCR and SCR read back
//! what was written; IIR reads "no interrupt pending" with the FIFOs on. No interrupts are ever
//! raised (the guest polls; OUT2 stays unconnected).

use std::collections::VecDeque;

/// COM1's base port.
pub const BASE: u16 = 0x3f8;
/// Its eight ports.
pub const PORTS: std::ops::Range<u16> = BASE..BASE + 8;

/// Register offsets.
const RBR_THR: u16 = 0;
const IER: u16 = 1;
const IIR_FCR: u16 = 2;
const LCR: u16 = 3;
const MCR: u16 = 4;
const LSR: u16 = 5;
const MSR: u16 = 6;
const SCR: u16 = 7;
/// LCR.DLAB: offsets 0 and 1 address the divisor latch.
const LCR_DLAB: u8 = 1 << 7;
/// LSR bits: data ready, THR empty, transmitter empty.
const LSR_DR: u8 = 1 << 0;
const LSR_THRE: u8 = 1 << 5;
const LSR_TEMT: u8 = 1 << 6;
/// IIR: no interrupt pending (bit 0), FIFOs enabled (bits 7:6).
const IIR_NONE_FIFO: u8 = 0xc1;
/// MSR: CTS, DSR and DCD asserted (a connected terminal).
const MSR_CONNECTED: u8 = 0xb0;
/// A line longer than this is passed on without waiting for its end.
const MAX_LINE: usize = 512;

/// The UART's state.
#[derive(Default)]
pub struct Com1 {
    line: Vec<u8>,
    input: VecDeque<u8>,
    ier: u8,
    lcr: u8,
    mcr: u8,
    scr: u8,
    divisor: [u8; 2],
}

impl Com1 {
    /// A byte read of the port at `offset` from [`BASE`] (an RBR read takes a byte).
    pub fn read(&mut self, offset: u16) -> u8 {
        let dlab = self.lcr & LCR_DLAB != 0;
        match offset {
            RBR_THR if dlab => self.divisor[0],
            RBR_THR => self.input.pop_front().unwrap_or(0),
            IER if dlab => self.divisor[1],
            IER => self.ier,
            IIR_FCR => IIR_NONE_FIFO,
            LCR => self.lcr,
            MCR => self.mcr,
            LSR => LSR_THRE | LSR_TEMT | (u8::from(!self.input.is_empty()) * LSR_DR),
            MSR => MSR_CONNECTED,
            SCR => self.scr,
            _ => 0xff,
        }
    }

    /// A byte write of `value` to the port at `offset`; returns a complete line (with its `\n`)
    /// when this write ended one.
    pub fn write(&mut self, offset: u16, value: u8) -> Option<Vec<u8>> {
        let dlab = self.lcr & LCR_DLAB != 0;
        match offset {
            RBR_THR if dlab => self.divisor[0] = value,
            RBR_THR => {
                self.line.push(value);
                if value == b'\n' || self.line.len() >= MAX_LINE {
                    return Some(std::mem::take(&mut self.line));
                }
            }
            IER if dlab => self.divisor[1] = value,
            IER => self.ier = value & 0x0f,
            LCR => self.lcr = value,
            MCR => self.mcr = value & 0x1f,
            SCR => self.scr = value,
            _ => {} // FCR: the FIFOs are always on and never need clearing here; LSR, MSR: read-only
        }
        None
    }

    /// Queues `bytes` as input for the guest to read.
    pub fn receive(&mut self, bytes: &[u8]) {
        self.input.extend(bytes);
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
    fn bytes_written_to_thr_come_out_as_whole_lines() {
        let mut uart = Com1::default();
        let out: Vec<_> = b"@@x\nab"
            .iter()
            .filter_map(|&b| uart.write(RBR_THR, b))
            .collect();
        assert_eq!(out, vec![b"@@x\n".to_vec()]);
        assert_eq!(uart.flush(), b"ab");
    }

    #[test]
    fn queued_input_is_read_from_rbr_in_order_while_lsr_says_data_ready() {
        let mut uart = Com1::default();
        assert_eq!(uart.read(LSR) & LSR_DR, 0);
        uart.receive(b"@@ack 1 ok\n");
        let mut got = Vec::new();
        while uart.read(LSR) & LSR_DR != 0 {
            got.push(uart.read(RBR_THR));
        }
        assert_eq!(got, b"@@ack 1 ok\n");
        assert_eq!(uart.read(RBR_THR), 0, "an empty FIFO reads 0");
    }

    #[test]
    fn the_transmitter_is_always_empty_so_a_polling_writer_never_waits() {
        let mut uart = Com1::default();
        assert_eq!(uart.read(LSR) & (LSR_THRE | LSR_TEMT), LSR_THRE | LSR_TEMT);
        uart.write(RBR_THR, b'x');
        assert_ne!(uart.read(LSR) & LSR_THRE, 0);
    }

    #[test]
    fn with_dlab_set_offsets_0_and_1_are_the_divisor_and_no_byte_is_sent() {
        let mut uart = Com1::default();
        uart.write(LCR, 0x80);
        assert_eq!(
            uart.write(RBR_THR, b'\n'),
            None,
            "divisor low, not a character"
        );
        uart.write(IER, 0x00);
        assert_eq!(uart.read(RBR_THR), b'\n');
        uart.write(LCR, 0x03);
        assert_eq!(uart.read(LCR), 0x03);
        assert_eq!(uart.write(RBR_THR, b'\n'), Some(b"\n".to_vec()));
        assert_eq!(uart.read(IIR_FCR) & 1, 1, "no interrupt pending");
    }
}
