//! The RAM the guest sets aside for tables that interrupt hardware reads on its own (on x86: the
//! VT-d interrupt remapping table, invalidation queue and posted-interrupt descriptors; no case
//! uses them yet). The kit reports its base in `cfg`, so the reference model puts its tables at
//! the same addresses. The same size as on Arm (`guest_kit::lpi::ARENA_BYTES`).
//!
//! Every write ends with an `mfence`: a following MMIO write (a queue tail) is ordered after it.

use core::cell::UnsafeCell;

use guest_kit::lpi::ARENA_BYTES;

use crate::cpu;

/// 64 KiB aligned, as on Arm (the kit lays its tables out the same way).
#[repr(C, align(65536))]
struct Arena(UnsafeCell<[u8; ARENA_BYTES as usize]>);

// SAFETY: only one CPU touches the arena at a time: CPU 0, or the CPU running a job for it
// while it waits (the kit's `on_cpu`); the interrupt controller reads it as a device would.
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena(UnsafeCell::new([0; ARENA_BYTES as usize]));

/// The arena's guest-physical (identity-mapped) base.
pub fn base() -> u64 {
    ARENA.0.get() as u64
}

/// The byte offset of `[gpa, gpa + len)` in the arena, when it lies inside.
fn offset(gpa: u64, len: usize) -> Option<usize> {
    let off = gpa.checked_sub(base())?;
    (off.checked_add(len as u64)? <= ARENA_BYTES).then_some(off as usize)
}

/// Copies `data` to `gpa`; `None` when that is outside the arena.
pub fn write(gpa: u64, data: &[u8]) -> Option<()> {
    let off = offset(gpa, data.len())?;
    // SAFETY: `off .. off + data.len()` is inside the arena (checked above); one CPU at a time
    // writes it (see `Sync` above), and `data` cannot alias it (it is borrowed from elsewhere).
    unsafe {
        let dst = (ARENA.0.get() as *mut u8).add(off);
        core::ptr::copy_nonoverlapping(data.as_ptr(), dst, data.len());
    }
    cpu::barrier();
    Some(())
}

/// Copies from `gpa` into `buf`; `None` when that is outside the arena.
pub fn read(gpa: u64, buf: &mut [u8]) -> Option<()> {
    let off = offset(gpa, buf.len())?;
    cpu::barrier();
    // SAFETY: inside the arena (checked above); no CPU writes it concurrently.
    unsafe {
        let src = (ARENA.0.get() as *const u8).add(off);
        core::ptr::copy_nonoverlapping(src, buf.as_mut_ptr(), buf.len());
    }
    Some(())
}
