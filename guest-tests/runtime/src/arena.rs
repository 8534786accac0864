//! [`Arena`]: the RAM a guest sets aside for tables that interrupt hardware reads on its own (on
//! Arm the LPI configuration and pending tables, the ITS command queue, device and collection
//! tables and ITTs; on x86 the VT-d remapping table, invalidation queue and posted-interrupt
//! descriptors). `guest_kit::lpi` lays them out; the guest reports the arena's base in its
//! `cfg` record, so the reference model puts its tables at the same addresses.
//!
//! The hardware reads this memory as a device would, so every write ends with a
//! [`Cpu::barrier`]: a following MMIO write (GITS_CWRITER, an INV command, a queue tail) is
//! ordered after it; and every read starts with one.

use core::cell::UnsafeCell;
use core::marker::PhantomData;

use crate::Cpu;

/// `N` bytes of RAM, identity mapped, 64 KiB aligned: the LPI pending tables need it
/// (GICR_PENDBASER bits \[51:16\], IHI 0069H 12.11.33), and the kit lays its tables out the
/// same way on x86. `C` is the architecture's barrier.
#[repr(C, align(65536))]
pub struct Arena<C, const N: usize> {
    bytes: UnsafeCell<[u8; N]>,
    cpu: PhantomData<fn() -> C>,
}

// SAFETY: only one CPU touches the arena at a time: CPU 0, or the CPU running a job for it
// while it waits (the kit's `on_cpu`, through `crate::mailbox`); the interrupt controller reads
// it as a device would.
unsafe impl<C, const N: usize> Sync for Arena<C, N> {}

impl<C: Cpu, const N: usize> Arena<C, N> {
    /// A zeroed arena (for a `static`).
    pub const fn new() -> Self {
        Arena {
            bytes: UnsafeCell::new([0; N]),
            cpu: PhantomData,
        }
    }

    /// The arena's guest-physical (identity-mapped) base.
    pub fn base(&self) -> u64 {
        self.bytes.get() as u64
    }

    /// The byte offset of `[gpa, gpa + len)` in the arena, when it lies inside.
    fn offset(&self, gpa: u64, len: usize) -> Option<usize> {
        let off = gpa.checked_sub(self.base())?;
        (off.checked_add(len as u64)? <= N as u64).then_some(off as usize)
    }

    /// Copies `data` to `gpa`, then a barrier; `None` (nothing written) when that is not wholly
    /// inside the arena.
    pub fn write(&self, gpa: u64, data: &[u8]) -> Option<()> {
        let off = self.offset(gpa, data.len())?;
        // SAFETY: `off .. off + data.len()` is inside the arena (checked above); one CPU at a
        // time writes it (see `Sync` above), and `data` cannot alias it (it is borrowed from
        // elsewhere).
        unsafe {
            let dst = (self.bytes.get() as *mut u8).add(off);
            core::ptr::copy_nonoverlapping(data.as_ptr(), dst, data.len());
        }
        C::barrier();
        Some(())
    }

    /// A barrier, then copies from `gpa` into `buf`; `None` (`buf` untouched) when that is not
    /// wholly inside the arena.
    pub fn read(&self, gpa: u64, buf: &mut [u8]) -> Option<()> {
        let off = self.offset(gpa, buf.len())?;
        C::barrier();
        // SAFETY: inside the arena (checked above); no CPU writes it concurrently.
        unsafe {
            let src = (self.bytes.get() as *const u8).add(off);
            core::ptr::copy_nonoverlapping(src, buf.as_mut_ptr(), buf.len());
        }
        Some(())
    }
}

impl<C: Cpu, const N: usize> Default for Arena<C, N> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::tests::HostCpu;

    #[test]
    fn the_arena_is_64k_aligned_and_reads_back_what_was_written() {
        let arena = Box::new(Arena::<HostCpu, 256>::new());
        let base = arena.base();
        assert_eq!(base % 0x1_0000, 0);
        assert_eq!(arena.write(base + 16, b"itt"), Some(()));
        let mut buf = [0; 5];
        assert_eq!(arena.read(base + 15, &mut buf), Some(()));
        assert_eq!(&buf, b"\0itt\0");
    }

    #[test]
    fn accesses_outside_the_arena_are_refused_and_change_nothing() {
        let arena = Box::new(Arena::<HostCpu, 256>::new());
        let base = arena.base();
        assert_eq!(arena.write(base + 254, b"abc"), None, "straddles the end");
        assert_eq!(arena.write(base - 1, b"a"), None, "below the base");
        assert_eq!(arena.write(u64::MAX, b"a"), None, "offset overflows");
        let mut buf = [7; 3];
        assert_eq!(arena.read(base + 254, &mut buf), None);
        assert_eq!(buf, [7; 3]);
        let mut all = [1; 256];
        assert_eq!(arena.read(base, &mut all), Some(()));
        assert!(all.iter().all(|&b| b == 0), "nothing was written");
        assert_eq!(arena.write(base + 256, b""), Some(()), "empty at the end");
    }
}
