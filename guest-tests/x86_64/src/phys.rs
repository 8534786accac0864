//! Reading firmware structures (the PVH start info, ACPI tables) by physical address: the boot
//! page tables identity-map the low 4 GiB ([`crate::boot`]).

/// Reads a `u8` at `paddr`.
///
/// # Safety
/// `paddr` lies below 4 GiB, in memory that is not written concurrently (firmware tables).
pub unsafe fn read_u8(paddr: u64) -> u8 {
    // SAFETY: per the contract; identity mapped, unaligned reads allowed.
    unsafe { core::ptr::read_unaligned(paddr as *const u8) }
}

/// Reads a little-endian `u16` at `paddr` (contract of [`read_u8`]).
///
/// # Safety
/// As [`read_u8`], for the 2 bytes.
pub unsafe fn read_u16(paddr: u64) -> u16 {
    // SAFETY: per the contract.
    unsafe { core::ptr::read_unaligned(paddr as *const u16) }
}

/// Reads a little-endian `u32` at `paddr`.
///
/// # Safety
/// As [`read_u8`], for the 4 bytes.
pub unsafe fn read_u32(paddr: u64) -> u32 {
    // SAFETY: per the contract.
    unsafe { core::ptr::read_unaligned(paddr as *const u32) }
}

/// Reads a little-endian `u64` at `paddr`.
///
/// # Safety
/// As [`read_u8`], for the 8 bytes.
pub unsafe fn read_u64(paddr: u64) -> u64 {
    // SAFETY: per the contract.
    unsafe { core::ptr::read_unaligned(paddr as *const u64) }
}

/// The bytes `[paddr, paddr + len)`.
///
/// # Safety
/// As [`read_u8`], for the whole range, which also stays unchanged for the rest of the run.
pub unsafe fn bytes(paddr: u64, len: usize) -> &'static [u8] {
    // SAFETY: per the contract.
    unsafe { core::slice::from_raw_parts(paddr as *const u8, len) }
}

/// The NUL-terminated string at `paddr` (at most `max` bytes; invalid UTF-8 reads as empty).
///
/// # Safety
/// As [`bytes`], up to the NUL or `max` bytes.
pub unsafe fn c_str(paddr: u64, max: usize) -> &'static str {
    // SAFETY: per the contract, byte by byte up to the NUL.
    let len = (0..max)
        .position(|i| unsafe { read_u8(paddr + i as u64) } == 0)
        .unwrap_or(max);
    // SAFETY: per the contract.
    core::str::from_utf8(unsafe { bytes(paddr, len) }).unwrap_or("")
}
