//! Unit tests of the IOAPIC: edge and level pins, remote IRR and EOI, masking, coalescing,
//! and the register window.

use super::regs::{IOAPIC_EOI, IOREGSEL, IOWIN};
use super::*;
use crate::access::IgnoreReason;

/// Program pin `pin`'s entry through the window.
fn program(io: &mut IoApic, pin: u8, low: u32, high: u32) -> Vec<IoapicMessage> {
    io.write(IOREGSEL, 1, u32::from(0x10 + 2 * pin)).unwrap();
    let mut sent = io.write(IOWIN, 4, low).unwrap();
    io.write(IOREGSEL, 1, u32::from(0x11 + 2 * pin)).unwrap();
    sent.extend(io.write(IOWIN, 4, high).unwrap());
    sent
}

fn read_entry(io: &mut IoApic, pin: u8) -> u64 {
    io.write(IOREGSEL, 4, u32::from(0x10 + 2 * pin)).unwrap();
    let low = io.read(IOWIN, 4).unwrap();
    io.write(IOREGSEL, 4, u32::from(0x11 + 2 * pin)).unwrap();
    u64::from(io.read(IOWIN, 4).unwrap()) << 32 | u64::from(low)
}

const LEVEL: u32 = 1 << 15;
const MASK: u32 = 1 << 16;

#[test]
fn an_edge_pin_sends_once_per_rising_edge() {
    let mut io = IoApic::new(0);
    program(&mut io, 3, 0x33, 0);
    assert!(io.set_line(3, true).is_some());
    assert!(io.set_line(3, true).is_none(), "no new edge while high");
    assert!(io.set_line(3, false).is_none());
    let m = io.set_line(3, true).unwrap();
    assert_eq!((m.pin, m.data.vector()), (3, 0x33));
}

#[test]
fn an_edge_on_a_masked_pin_is_lost() {
    let mut io = IoApic::new(0);
    program(&mut io, 1, 0x31 | MASK, 0);
    assert!(io.set_line(1, true).is_none());
    assert!(
        program(&mut io, 1, 0x31, 0).is_empty(),
        "unmasking does not replay it"
    );
}

#[test]
fn a_level_pin_sends_once_until_its_eoi() {
    let mut io = IoApic::new(0);
    program(&mut io, 2, 0x42 | LEVEL, 0);
    assert!(io.set_line(2, true).is_some());
    assert!(io.entry(2).unwrap().remote_irr());
    io.set_line(2, false);
    assert!(
        io.set_line(2, true).is_none(),
        "coalesced while remote IRR is set"
    );
    assert_eq!(io.eoi(Vector(0x42)).len(), 1, "still asserted: sent again");
}

#[test]
fn an_eoi_after_the_line_dropped_only_clears_remote_irr() {
    let mut io = IoApic::new(0);
    program(&mut io, 2, 0x42 | LEVEL, 0);
    io.set_line(2, true);
    io.set_line(2, false);
    assert!(io.eoi(Vector(0x42)).is_empty());
    assert!(!io.entry(2).unwrap().remote_irr());
}

#[test]
fn an_eoi_for_another_vector_leaves_remote_irr_set() {
    let mut io = IoApic::new(0);
    program(&mut io, 2, 0x42 | LEVEL, 0);
    io.set_line(2, true);
    assert!(io.eoi(Vector(0x43)).is_empty());
    assert!(io.entry(2).unwrap().remote_irr());
}

#[test]
fn unmasking_an_asserted_level_pin_sends() {
    let mut io = IoApic::new(0);
    program(&mut io, 4, 0x44 | LEVEL | MASK, 0);
    assert!(io.set_line(4, true).is_none());
    assert_eq!(program(&mut io, 4, 0x44 | LEVEL, 0).len(), 1);
}

#[test]
fn the_eoi_register_clears_remote_irr() {
    let mut io = IoApic::new(0);
    program(&mut io, 5, 0x45 | LEVEL, 0);
    io.set_line(5, true);
    io.set_line(5, false);
    io.write(IOAPIC_EOI, 4, 0x45).unwrap();
    assert!(!io.entry(5).unwrap().remote_irr());
}

#[test]
fn remote_irr_and_delivery_status_are_read_only() {
    let mut io = IoApic::new(0);
    program(&mut io, 6, 0x46 | 1 << 14 | 1 << 12, 0);
    let e = read_entry(&mut io, 6);
    assert_eq!(e & (1 << 14 | 1 << 12), 0);
}

#[test]
fn switching_an_entry_to_edge_clears_remote_irr() {
    let mut io = IoApic::new(0);
    program(&mut io, 7, 0x47 | LEVEL, 0);
    io.set_line(7, true);
    program(&mut io, 7, 0x47, 0);
    assert!(!io.entry(7).unwrap().remote_irr());
}

#[test]
fn entries_reset_masked_and_keep_only_writable_bits() {
    let mut io = IoApic::new(0);
    assert_eq!(read_entry(&mut io, 0), 1 << 16);
    program(&mut io, 0, 0xffff_ffff, 0xffff_ffff);
    assert_eq!(read_entry(&mut io, 0), 0xffff_0000_0001_afff);
}

#[test]
fn an_82093aa_reads_version_0x11_and_has_no_eoi_register() {
    let mut io = IoApic::of_version(IoapicVersion::I82093aa, 0);
    io.write(IOREGSEL, 1, 0x01).unwrap();
    assert_eq!(io.read(IOWIN, 4), Ok(0x0017_0011));
    program(&mut io, 5, 0x45 | LEVEL, 0);
    io.set_line(5, true);
    io.set_line(5, false);
    assert_eq!(io.write(IOAPIC_EOI, 4, 0x45), Err(IgnoreReason::Unmapped));
    assert_eq!(io.read(IOAPIC_EOI, 4), Err(IgnoreReason::Unmapped));
    assert!(
        io.entry(5).unwrap().remote_irr(),
        "only a broadcast EOI clears it"
    );
    assert!(io.eoi(Vector(0x45)).is_empty());
    assert!(!io.entry(5).unwrap().remote_irr());
}

#[test]
fn both_versions_have_24_entries_and_the_default_has_the_eoi_register() {
    for &version in allowed_ioapic_versions() {
        assert_eq!(version.register() >> 16 & 0xff, 23, "{version:?}");
    }
    assert!(IoApic::new(0).version().has_eoi_register());
}

#[test]
fn ioregsel_is_an_8_bit_register() {
    let mut io = IoApic::new(0);
    io.write(IOREGSEL, 4, 0x1234_5601).unwrap();
    assert_eq!(io.read(IOREGSEL, 1), Ok(0x01));
    assert_eq!(io.read(IOWIN, 4), Ok(0x0017_0020));
}

#[test]
fn the_id_is_4_bits_and_arbitration_is_read_only() {
    let mut io = IoApic::new(0);
    io.write(IOREGSEL, 1, 0).unwrap();
    io.write(IOWIN, 4, 0xff00_0000).unwrap();
    assert_eq!(io.read(IOWIN, 4), Ok(0x0f00_0000));
    io.write(IOREGSEL, 1, 2).unwrap();
    assert_eq!(io.write(IOWIN, 4, 0), Err(IgnoreReason::ReadOnly));
    assert_eq!(io.read(IOWIN, 4), Ok(0x0f00_0000));
}

#[test]
fn unmapped_indices_offsets_and_widths_are_ignored() {
    let mut io = IoApic::new(0);
    io.write(IOREGSEL, 1, 0x03).unwrap();
    assert_eq!(io.read(IOWIN, 4), Err(IgnoreReason::Unmapped));
    io.write(IOREGSEL, 1, 0x40).unwrap();
    assert_eq!(io.read(IOWIN, 4), Err(IgnoreReason::Unmapped));
    assert_eq!(io.read(IOWIN, 1), Err(IgnoreReason::Width));
    assert_eq!(io.read(0x20, 4), Err(IgnoreReason::Unmapped));
    assert_eq!(io.read(IOAPIC_EOI, 4), Err(IgnoreReason::WriteOnly));
}

#[test]
fn a_pin_beyond_the_ioapic_is_ignored() {
    let mut io = IoApic::new(0);
    assert!(io.set_line(IOAPIC_PINS, true).is_none());
}
