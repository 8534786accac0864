//! MMIO as single load and store instructions.
//!
//! A hypervisor that traps an access to an emulated device decodes it from the syndrome (ESR_EL2
//! ISV = 1), which the architecture only provides for single general-purpose-register loads and
//! stores without writeback. `read_volatile` leaves the instruction to the compiler, which may
//! pick a post-indexed or pair form; these functions fix it in inline assembly, as safe-mmio does
//! (rust-lang/rust#131894).

use core::arch::asm;

use guest_kit::Width;

/// Reads `width` bytes at `addr` with one `ldrb`/`ldrh`/`ldr`.
///
/// # Safety
///
/// `addr` must be mapped as device memory (or RAM), aligned to `width`, and reading it must have
/// no effect the caller has not accounted for.
pub unsafe fn read(addr: usize, width: Width) -> u64 {
    let value: u64;
    // SAFETY: the caller guarantees `addr` is a mapped, aligned register of this width; the asm
    // touches nothing else.
    unsafe {
        match width {
            Width::B8 => {
                asm!("ldrb {v:w}, [{a}]", a = in(reg) addr, v = out(reg) value, options(nostack, preserves_flags))
            }
            Width::B16 => {
                asm!("ldrh {v:w}, [{a}]", a = in(reg) addr, v = out(reg) value, options(nostack, preserves_flags))
            }
            Width::B32 => {
                asm!("ldr {v:w}, [{a}]", a = in(reg) addr, v = out(reg) value, options(nostack, preserves_flags))
            }
            Width::B64 => {
                asm!("ldr {v:x}, [{a}]", a = in(reg) addr, v = out(reg) value, options(nostack, preserves_flags))
            }
        }
    }
    value & width.mask()
}

/// Writes the low `width` bytes of `value` at `addr` with one `strb`/`strh`/`str`.
///
/// # Safety
///
/// `addr` must be mapped as device memory (or RAM), aligned to `width`, and writing it must not
/// break memory the program uses.
pub unsafe fn write(addr: usize, width: Width, value: u64) {
    // SAFETY: as for `read`: one store to a register the caller vouches for.
    unsafe {
        match width {
            Width::B8 => {
                asm!("strb {v:w}, [{a}]", a = in(reg) addr, v = in(reg) value, options(nostack, preserves_flags))
            }
            Width::B16 => {
                asm!("strh {v:w}, [{a}]", a = in(reg) addr, v = in(reg) value, options(nostack, preserves_flags))
            }
            Width::B32 => {
                asm!("str {v:w}, [{a}]", a = in(reg) addr, v = in(reg) value, options(nostack, preserves_flags))
            }
            Width::B64 => {
                asm!("str {v:x}, [{a}]", a = in(reg) addr, v = in(reg) value, options(nostack, preserves_flags))
            }
        }
    }
}
