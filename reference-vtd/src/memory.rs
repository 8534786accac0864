//! The guest-memory seam: how the model reaches structures that live in memory — the
//! interrupt-remapping table (VT-d §9.9, §9.10), posted-interrupt descriptors (VT-d §9.11),
//! the invalidation queue (VT-d §6.5.2) and invalidation-wait status words.
//!
//! Invariants:
//! - The trait asks only for "read these bytes" / "write these bytes" at a physical address,
//!   in the style of rust-vmm's vm-memory; wider values are little-endian ([`read_u64`]).
//! - [`SparseMemory`] never-written memory reads as zero; a failed write changes nothing.
//! - Nothing here panics on guest-controlled addresses: out-of-range accesses are errors.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use core::fmt::Debug;

/// Why a memory access failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemoryError {
    /// The access reaches beyond the memory's addressable range.
    OutOfRange {
        /// First address of the access.
        gpa: u64,
        /// Length in bytes.
        len: usize,
    },
    /// The memory cannot hold another page.
    Exhausted {
        /// The address whose page could not be allocated.
        gpa: u64,
    },
}

/// Physical memory as the remapping hardware sees it.
pub trait GuestMemory: CloneGuestMemory + Debug {
    /// Fill `buf` with the bytes at `gpa ..`.
    fn read(&self, gpa: u64, buf: &mut [u8]) -> Result<(), MemoryError>;
    /// Store `data` at `gpa ..`.
    fn write(&mut self, gpa: u64, data: &[u8]) -> Result<(), MemoryError>;
}

/// Object-safe cloning of a [`GuestMemory`]; implemented for every `Clone` memory.
pub trait CloneGuestMemory {
    /// A boxed copy of this memory.
    fn clone_box(&self) -> Box<dyn GuestMemory>;
}

impl<T: GuestMemory + Clone + 'static> CloneGuestMemory for T {
    fn clone_box(&self) -> Box<dyn GuestMemory> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn GuestMemory> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

/// Read a little-endian 64-bit value.
pub fn read_u64(mem: &dyn GuestMemory, gpa: u64) -> Result<u64, MemoryError> {
    let mut b = [0u8; 8];
    mem.read(gpa, &mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// Read a little-endian 128-bit value.
pub fn read_u128(mem: &dyn GuestMemory, gpa: u64) -> Result<u128, MemoryError> {
    let mut b = [0u8; 16];
    mem.read(gpa, &mut b)?;
    Ok(u128::from_le_bytes(b))
}

/// Write a little-endian 64-bit value.
pub fn write_u64(mem: &mut dyn GuestMemory, gpa: u64, value: u64) -> Result<(), MemoryError> {
    mem.write(gpa, &value.to_le_bytes())
}

/// Write a little-endian 128-bit value.
pub fn write_u128(mem: &mut dyn GuestMemory, gpa: u64, value: u128) -> Result<(), MemoryError> {
    mem.write(gpa, &value.to_le_bytes())
}

/// Page size of [`SparseMemory`].
pub const SPARSE_PAGE: u64 = 4096;
/// Default page budget of [`SparseMemory::new`]: 64 MiB.
pub const SPARSE_DEFAULT_PAGES: usize = 16 * 1024;
/// Addresses at or above this are out of range (52-bit physical addresses).
pub const SPARSE_LIMIT: u64 = 1 << 52;

/// An in-memory [`GuestMemory`]: 4 KiB pages allocated on first non-zero write.
#[derive(Clone, PartialEq, Eq)]
pub struct SparseMemory {
    pages: BTreeMap<u64, Box<[u8; SPARSE_PAGE as usize]>>,
    max_pages: usize,
}

impl Debug for SparseMemory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SparseMemory")
            .field("pages", &self.pages.len())
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

impl Default for SparseMemory {
    fn default() -> Self {
        SparseMemory::new()
    }
}

impl SparseMemory {
    /// Empty memory with the default page budget.
    pub fn new() -> SparseMemory {
        SparseMemory::with_max_pages(SPARSE_DEFAULT_PAGES)
    }

    /// Empty memory holding at most `max_pages` pages.
    pub fn with_max_pages(max_pages: usize) -> SparseMemory {
        SparseMemory {
            pages: BTreeMap::new(),
            max_pages,
        }
    }

    /// Number of allocated pages.
    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    fn check(gpa: u64, len: usize) -> Result<(), MemoryError> {
        match gpa.checked_add(len as u64) {
            Some(end) if end <= SPARSE_LIMIT => Ok(()),
            _ => Err(MemoryError::OutOfRange { gpa, len }),
        }
    }

    /// (page, offset in page, range in the buffer) for each page the access touches.
    fn chunks(gpa: u64, len: usize) -> impl Iterator<Item = (u64, usize, core::ops::Range<usize>)> {
        let mut done = 0usize;
        core::iter::from_fn(move || {
            if done >= len {
                return None;
            }
            let addr = gpa + done as u64;
            let off = (addr % SPARSE_PAGE) as usize;
            let n = (SPARSE_PAGE as usize - off).min(len - done);
            let item = (addr / SPARSE_PAGE, off, done..done + n);
            done += n;
            Some(item)
        })
    }
}

impl GuestMemory for SparseMemory {
    fn read(&self, gpa: u64, buf: &mut [u8]) -> Result<(), MemoryError> {
        SparseMemory::check(gpa, buf.len())?;
        for (page, off, range) in SparseMemory::chunks(gpa, buf.len()) {
            let dst = &mut buf[range];
            match self.pages.get(&page) {
                Some(p) => dst.copy_from_slice(&p[off..off + dst.len()]),
                None => dst.fill(0),
            }
        }
        Ok(())
    }

    fn write(&mut self, gpa: u64, data: &[u8]) -> Result<(), MemoryError> {
        SparseMemory::check(gpa, data.len())?;
        let new_pages = SparseMemory::chunks(gpa, data.len())
            .filter(|(page, _, r)| {
                !self.pages.contains_key(page) && data[r.clone()].iter().any(|&b| b != 0)
            })
            .count();
        if self.pages.len() + new_pages > self.max_pages {
            return Err(MemoryError::Exhausted { gpa });
        }
        for (page, off, range) in SparseMemory::chunks(gpa, data.len()) {
            let src = &data[range];
            if let Some(p) = self.pages.get_mut(&page) {
                p[off..off + src.len()].copy_from_slice(src);
            } else if src.iter().any(|&b| b != 0) {
                let mut p = Box::new([0u8; SPARSE_PAGE as usize]);
                p[off..off + src.len()].copy_from_slice(src);
                self.pages.insert(page, p);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_written_memory_reads_zero() {
        let m = SparseMemory::new();
        assert_eq!(read_u128(&m, 0x1234_5670), Ok(0));
        assert_eq!(m.pages(), 0);
    }

    #[test]
    fn a_value_straddling_two_pages_reads_back() {
        let mut m = SparseMemory::new();
        write_u128(
            &mut m,
            SPARSE_PAGE - 8,
            0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10,
        )
        .unwrap();
        assert_eq!(
            read_u128(&m, SPARSE_PAGE - 8),
            Ok(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10)
        );
        assert_eq!(m.pages(), 2);
    }

    #[test]
    fn an_exhausted_memory_refuses_the_write_and_keeps_nothing() {
        let mut m = SparseMemory::with_max_pages(0);
        assert_eq!(
            write_u64(&mut m, 0x1000, 1),
            Err(MemoryError::Exhausted { gpa: 0x1000 })
        );
        assert_eq!(read_u64(&m, 0x1000), Ok(0));
        assert!(m.read(u64::MAX - 1, &mut [0; 4]).is_err());
    }
}
