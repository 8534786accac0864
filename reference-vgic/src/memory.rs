//! The guest-memory seam: how the model reaches the tables the guest keeps in its own memory
//! (LPI configuration and pending tables, the ITS command queue, Device, Collection and
//! Interrupt Translation Tables; IHI 0069H §5.1, §5.2).
//!
//! The seam is consumer-side, in the style of rust-vmm's vm-memory: the model only needs
//! "read these bytes" and "write these bytes" at a guest physical address, so that is all the
//! trait asks for. [`crate::Gic`] owns one `Box<dyn GuestMemory>` (see [`crate::Gic::with_memory`]);
//! the host mirrors what the guest wrote through [`crate::Gic::memory_mut`].
//!
//! Invariants:
//! - Accesses are byte-exact and little-endian where the model assembles wider values
//!   ([`read_u64`] / [`write_u64`]); GIC tables are little-endian (IHI 0069H §5.1.1, §5.2).
//! - [`SparseMemory`] never allocates more than its page budget: reads of never-written memory
//!   return zeros without allocating, and writes of zeros to absent pages allocate nothing.
//! - Nothing here panics on guest-controlled addresses: out-of-range accesses are errors.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use core::fmt::Debug;

/// The pages of a [`SparseMemory`], by page number.
type PageMap = BTreeMap<u64, Box<[u8; SPARSE_PAGE as usize]>>;

/// Why a guest-memory access failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemoryError {
    /// The access reaches beyond the addressable range of the memory (for
    /// [`SparseMemory`]: 52-bit physical addresses, the GICv3 maximum, IHI 0069H §12.19
    /// `GITS_BASER<n>`.Physical_Address).
    OutOfRange {
        /// First guest physical address of the access.
        gpa: u64,
        /// Length in bytes.
        len: usize,
    },
    /// The memory cannot hold another page ([`SparseMemory`]'s page budget).
    Exhausted {
        /// The address whose page could not be allocated.
        gpa: u64,
    },
}

/// Guest physical memory as the interrupt controller sees it.
///
/// `Clone` and `Debug` come through [`CloneGuestMemory`] (blanket-implemented for every
/// `GuestMemory + Clone + Debug + 'static` type), so that a [`crate::Gic`] can be cloned with
/// its memory. `Send`, so that a `Gic` can move between threads and sit behind a lock a
/// hypervisor shares between its CPUs (refvisor's vGIC, one model for every vCPU).
pub trait GuestMemory: CloneGuestMemory + Debug + Send {
    /// Fill `buf` with the bytes at `gpa ..`.
    fn read(&self, gpa: u64, buf: &mut [u8]) -> Result<(), MemoryError>;
    /// Store `data` at `gpa ..`.
    fn write(&mut self, gpa: u64, data: &[u8]) -> Result<(), MemoryError>;
}

/// Object-safe cloning of a [`GuestMemory`]; implemented for you.
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
pub(crate) fn read_u64(mem: &dyn GuestMemory, gpa: u64) -> Result<u64, MemoryError> {
    let mut b = [0u8; 8];
    mem.read(gpa, &mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// Write a little-endian 64-bit value.
pub(crate) fn write_u64(
    mem: &mut dyn GuestMemory,
    gpa: u64,
    value: u64,
) -> Result<(), MemoryError> {
    mem.write(gpa, &value.to_le_bytes())
}

/// Read one byte.
pub(crate) fn read_u8(mem: &dyn GuestMemory, gpa: u64) -> Result<u8, MemoryError> {
    let mut b = [0u8; 1];
    mem.read(gpa, &mut b)?;
    Ok(b[0])
}

/// Page size of [`SparseMemory`].
pub const SPARSE_PAGE: u64 = 4096;
/// Default page budget of [`SparseMemory::new`]: 64 MiB.
pub const SPARSE_DEFAULT_PAGES: usize = 16 * 1024;
/// Addresses at or above this are out of range (52-bit physical address space).
pub const SPARSE_LIMIT: u64 = 1 << 52;

/// An in-memory [`GuestMemory`]: 4 KiB pages allocated on first non-zero write, kept in a
/// `BTreeMap`, at most `max_pages` of them. Never-written memory reads as zero.
#[derive(Clone, PartialEq, Eq)]
pub struct SparseMemory {
    pages: PageMap,
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
    /// Empty memory with the default page budget ([`SPARSE_DEFAULT_PAGES`]).
    pub fn new() -> SparseMemory {
        SparseMemory::with_max_pages(SPARSE_DEFAULT_PAGES)
    }

    /// Empty memory holding at most `max_pages` pages.
    pub fn with_max_pages(max_pages: usize) -> SparseMemory {
        SparseMemory {
            pages: PageMap::new(),
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

    /// Split `gpa .. gpa + len` into (page number, offset in page, range in the buffer).
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
        // Check the budget first so that a failed write changes nothing.
        let new_pages = SparseMemory::chunks(gpa, data.len())
            .filter(|(page, _, range)| {
                !self.pages.contains_key(page) && data[range.clone()].iter().any(|&b| b != 0)
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
    use alloc::vec;
    use alloc::vec::Vec;

    #[test]
    fn never_written_memory_reads_zero_and_allocates_nothing() {
        let m = SparseMemory::new();
        let mut b = [0xffu8; 16];
        m.read(0x1234_5678, &mut b).unwrap();
        assert_eq!(b, [0; 16]);
        assert_eq!(m.pages(), 0);
    }

    #[test]
    fn writes_straddling_pages_read_back() {
        let mut m = SparseMemory::new();
        let data: Vec<u8> = (1..=32).collect();
        m.write(SPARSE_PAGE - 7, &data).unwrap();
        let mut b = vec![0u8; 32];
        m.read(SPARSE_PAGE - 7, &mut b).unwrap();
        assert_eq!(b, data);
        assert_eq!(m.pages(), 2);
    }

    #[test]
    fn page_budget_is_enforced_without_partial_writes() {
        let mut m = SparseMemory::with_max_pages(1);
        m.write(0, &[1]).unwrap();
        assert_eq!(
            m.write(SPARSE_PAGE * 5 - 1, &[1, 1]),
            Err(MemoryError::Exhausted {
                gpa: SPARSE_PAGE * 5 - 1
            })
        );
        let mut b = [0u8; 2];
        m.read(SPARSE_PAGE * 5 - 1, &mut b).unwrap();
        assert_eq!(b, [0, 0]);
        m.write(SPARSE_PAGE * 9, &[0; 64]).unwrap();
        assert_eq!(m.pages(), 1);
    }

    #[test]
    fn addresses_beyond_52_bits_are_out_of_range() {
        let mut m = SparseMemory::new();
        assert!(m.write(SPARSE_LIMIT - 1, &[0, 0]).is_err());
        assert!(m.read(u64::MAX, &mut [0]).is_err());
    }
}
