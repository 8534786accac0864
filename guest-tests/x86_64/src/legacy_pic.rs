//! The PC-AT's pair of 8259A interrupt controllers, which a machine whose MADT sets
//! PCAT_COMPAT also has (ACPI 6.5 §5.2.12): masked for good at boot, as an operating system in
//! symmetric I/O mode does. Without a loader to program them their interrupt mask is clear, so
//! the PIT's IRQ 0 reaches the boot CPU's LINT0 (ExtINT at reset on some platforms) before the
//! kit's reset masks it, and a request latched then can surface in the first window of a case.
//!
//! A write to the odd port of an 8259A outside its initialization sequence is OCW1, the
//! interrupt mask register (8259A datasheet, "Operation Command Words"); 0xFF masks IR0-7.

use crate::cpu;

/// The master's and the slave's OCW1 ports.
const MASK_PORTS: [u16; 2] = [0x21, 0xa1];

/// Masks every input of both 8259As.
pub fn mask_all() {
    for port in MASK_PORTS {
        cpu::outb(port, 0xff);
    }
}
