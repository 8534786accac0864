//! Single-instruction MMIO accesses with a known encoding, so a fault's RIP can be stepped over
//! ([`crate::traps::guarded`]). Each access is one `mov` with the address in `rdi` and the value
//! in `al`/`ax`/`eax`/`rax` (operands pinned, so the encoding is too):
//!
//! | width | load | store |
//! | --- | --- | --- |
//! | 8 | `8a 07` (2) | `88 07` (2) |
//! | 16 | `66 8b 07` (3) | `66 89 07` (3) |
//! | 32 | `8b 07` (2) | `89 07` (2) |
//! | 64 | `48 8b 07` (3) | `48 89 07` (3) |
//!
//! The local APIC, IOAPIC and VT-d pages are mapped uncached ([`crate::boot`]).

use core::arch::asm;

use guest_kit::Width;

/// The length in bytes of the load or store of `width` (see the table).
pub const fn len(width: Width) -> u8 {
    match width {
        Width::B8 | Width::B32 => 2,
        Width::B16 | Width::B64 => 3,
    }
}

/// Reads `width` bytes at `addr`.
///
/// # Safety
/// `addr` is a device register (mapped, naturally aligned), not memory Rust uses.
pub unsafe fn read(addr: u64, width: Width) -> u64 {
    // SAFETY: per the contract; one load in every arm, nothing else touched.
    unsafe {
        match width {
            Width::B8 => {
                let v: u8;
                asm!("mov al, byte ptr [rdi]", in("rdi") addr, out("al") v, options(nostack, preserves_flags));
                v.into()
            }
            Width::B16 => {
                let v: u16;
                asm!("mov ax, word ptr [rdi]", in("rdi") addr, out("ax") v, options(nostack, preserves_flags));
                v.into()
            }
            Width::B32 => {
                let v: u32;
                asm!("mov eax, dword ptr [rdi]", in("rdi") addr, out("eax") v, options(nostack, preserves_flags));
                v.into()
            }
            Width::B64 => {
                let v: u64;
                asm!("mov rax, qword ptr [rdi]", in("rdi") addr, out("rax") v, options(nostack, preserves_flags));
                v
            }
        }
    }
}

/// Writes the low `width` bytes of `value` at `addr`.
///
/// # Safety
/// As [`read`].
pub unsafe fn write(addr: u64, width: Width, value: u64) {
    // SAFETY: per the contract; one store in every arm.
    unsafe {
        match width {
            Width::B8 => {
                asm!("mov byte ptr [rdi], al", in("rdi") addr, in("al") value as u8, options(nostack, preserves_flags))
            }
            Width::B16 => {
                asm!("mov word ptr [rdi], ax", in("rdi") addr, in("ax") value as u16, options(nostack, preserves_flags))
            }
            Width::B32 => {
                asm!("mov dword ptr [rdi], eax", in("rdi") addr, in("eax") value as u32, options(nostack, preserves_flags))
            }
            Width::B64 => {
                asm!("mov qword ptr [rdi], rax", in("rdi") addr, in("rax") value, options(nostack, preserves_flags))
            }
        }
    }
}

/// RDMSR (`0f 32`, 2 bytes).
pub const MSR_LEN: u8 = 2;

/// RDMSR `msr`.
///
/// # Safety
/// Reading `msr` has no side effect the program relies on not happening; a #GP is handled by
/// [`crate::traps::guarded`], which must be running this.
pub unsafe fn rdmsr(msr: u32) -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: per the contract.
    unsafe {
        asm!("rdmsr", in("ecx") msr, out("eax") lo, out("edx") hi, options(nostack, preserves_flags))
    };
    u64::from(hi) << 32 | u64::from(lo)
}

/// WRMSR `msr` (`0f 30`, 2 bytes).
///
/// # Safety
/// As [`rdmsr`]; the write does not break what the guest runs on (paging, segments, GS).
pub unsafe fn wrmsr(msr: u32, value: u64) {
    // SAFETY: per the contract.
    unsafe {
        asm!("wrmsr", in("ecx") msr, in("eax") value as u32, in("edx") (value >> 32) as u32, options(nostack, preserves_flags))
    };
}
