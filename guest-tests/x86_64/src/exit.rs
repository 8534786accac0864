//! Ending the run: QEMU's `isa-debug-exit` device when the command line names its port
//! (`irqsuite.debug-exit=0xf4`), else the ACPI soft-off: SLP_TYPa of `\_S5` with SLP_EN into
//! PM1a_CNT (ACPI 6.5 §4.8.3.2.1, §7.4.2), else on Xen `SCHEDOP_shutdown` ([`crate::xen`]).
//! Where none is available the CPU halts and the host's timeout ends the run.
//!
//! `isa-debug-exit` makes QEMU exit with status `(value << 1) | 1`: the guest writes
//! [`SUCCESS`] after the final record (status 1) and [`FAILURE`] when it cannot go on (status 3).

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::cpu;

/// The command-line parameter naming the `isa-debug-exit` I/O port.
pub const PARAM: &str = "irqsuite.debug-exit=";
/// Written to `isa-debug-exit` at the normal end: QEMU exits with status 1.
pub const SUCCESS: u32 = 0;
/// Written when the guest cannot go on: QEMU exits with status 3.
pub const FAILURE: u32 = 1;
/// PM1_CNT.SLP_EN (bit 13) and the SLP_TYP field's shift (bits 12:10).
const SLP_EN: u16 = 1 << 13;
const SLP_TYP_SHIFT: u16 = 10;

/// The `isa-debug-exit` port (0: none).
static DEBUG_EXIT: AtomicU32 = AtomicU32::new(0);
/// PM1a_CNT port in bits 15:0, SLP_TYP in 18:16, bit 31 set when known.
static SOFT_OFF: AtomicU32 = AtomicU32::new(0);
/// Xen's hypercall page is installed.
static XEN: AtomicBool = AtomicBool::new(false);

/// The `isa-debug-exit` port named on `cmdline`, if any.
pub fn debug_exit_port(cmdline: &str) -> Option<u16> {
    let value = cmdline
        .split_ascii_whitespace()
        .find_map(|arg| arg.strip_prefix(PARAM))?;
    u16::from_str_radix(value.strip_prefix("0x").unwrap_or(value), 16).ok()
}

/// Records how to end the run (and installs Xen's hypercall page when on Xen).
pub fn configure(debug_exit: Option<u16>, pm1a_control: Option<u16>, s5_sleep_type: Option<u8>) {
    XEN.store(crate::xen::init(), Ordering::SeqCst);
    if let Some(port) = debug_exit {
        DEBUG_EXIT.store(u32::from(port), Ordering::SeqCst);
    }
    if let Some(port) = pm1a_control {
        let slp_typ = u32::from(s5_sleep_type.unwrap_or(0) & 7);
        SOFT_OFF.store(1 << 31 | slp_typ << 16 | u32::from(port), Ordering::SeqCst);
    }
}

/// Whether the run can end by itself (otherwise the host's timeout ends it).
pub fn can_power_off() -> bool {
    DEBUG_EXIT.load(Ordering::SeqCst) != 0
        || SOFT_OFF.load(Ordering::SeqCst) != 0
        || XEN.load(Ordering::SeqCst)
}

/// The normal end, after the final record.
pub fn success() -> ! {
    finish(SUCCESS)
}

/// The guest cannot go on (a fault it cannot resume, a panic).
pub fn fail() -> ! {
    finish(FAILURE)
}

fn finish(code: u32) -> ! {
    let port = DEBUG_EXIT.load(Ordering::SeqCst);
    if port != 0 {
        cpu::outl(port as u16, code);
    }
    let off = SOFT_OFF.load(Ordering::SeqCst);
    if off != 0 {
        let slp_typ = ((off >> 16) & 7) as u16;
        cpu::outw(off as u16, slp_typ << SLP_TYP_SHIFT | SLP_EN);
    }
    crate::xen::power_off();
    cpu::halt()
}
