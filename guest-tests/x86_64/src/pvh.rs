//! The PVH start info (Xen `include/public/arch-x86/hvm/start_info.h`, `struct
//! hvm_start_info`), at the physical address in `ebx` at entry: the command line, the ACPI RSDP
//! and (version 1) the memory map. QEMU's PVH option ROM fills in the same structure for
//! `-kernel`.
//!
//! The command line is copied into the guest's own memory, so nothing refers to the loader's
//! memory once the AP trampoline ([`crate::smp`]) has been written below 1 MiB.

use crate::once::SetOnce;
use crate::phys;

/// `hvm_start_info.magic`.
const MAGIC: u32 = 0x336e_c578;
/// Offsets in `hvm_start_info`.
const CMDLINE_PADDR: u64 = 0x18;
const RSDP_PADDR: u64 = 0x20;
const VERSION: u64 = 0x04;
const MEMMAP_PADDR: u64 = 0x28;
const MEMMAP_ENTRIES: u64 = 0x30;
/// `struct hvm_memmap_table_entry`: addr, size (u64), type, reserved (u32).
const MEMMAP_ENTRY: u64 = 24;
/// E820 type of usable RAM.
const E820_RAM: u32 = 1;
/// The longest command line kept.
const MAX_CMDLINE: usize = 1024;

/// The copy of the command line.
static CMDLINE: SetOnce<([u8; MAX_CMDLINE], usize)> = SetOnce::new();

/// What the loader handed over.
#[derive(Clone, Copy, Debug)]
pub struct StartInfo {
    /// The kernel command line (`-append`, or the domain's `cmdline`); empty when absent.
    pub cmdline: &'static str,
    /// The RSDP's physical address (0: not given).
    pub rsdp: u64,
    /// Where the loader's memory map is (version 1): address and entry count.
    memmap: Option<(u64, u32)>,
}

impl StartInfo {
    /// Whether the memory map says `[start, end)` is usable RAM; `None` without a map.
    pub fn is_ram(&self, start: u64, end: u64) -> Option<bool> {
        let (map, entries) = self.memmap?;
        Some((0..u64::from(entries)).any(|i| {
            let entry = map + i * MEMMAP_ENTRY;
            // SAFETY: an entry of the loader's memory map (read before anything below 1 MiB is
            // written; the map itself is the loader's and never written by the guest).
            let (addr, size, kind) = unsafe {
                (
                    phys::read_u64(entry),
                    phys::read_u64(entry + 8),
                    phys::read_u32(entry + 16),
                )
            };
            kind == E820_RAM && addr <= start && end <= addr.saturating_add(size)
        }))
    }
}

/// Reads the start info at `paddr`; `Err` when the magic does not match.
///
/// # Safety
/// `paddr` is the value of `ebx` at the PVH entry: the loader's start info, identity mapped and
/// never written by the guest, as is the command line it points to.
pub unsafe fn read(paddr: u64) -> Result<StartInfo, &'static str> {
    // SAFETY: per this function's contract.
    let magic = unsafe { phys::read_u32(paddr) };
    if magic != MAGIC {
        return Err("no PVH start info (bad magic in ebx): not started through the PVH entry");
    }
    // SAFETY: per this function's contract; the fields are inside the structure (the memory
    // map's only from version 1 on).
    let (cmdline_paddr, rsdp, version) = unsafe {
        (
            phys::read_u64(paddr + CMDLINE_PADDR),
            phys::read_u64(paddr + RSDP_PADDR),
            phys::read_u32(paddr + VERSION),
        )
    };
    let memmap = if version >= 1 {
        // SAFETY: as above, version 1 fields.
        let (map, entries) = unsafe {
            (
                phys::read_u64(paddr + MEMMAP_PADDR),
                phys::read_u32(paddr + MEMMAP_ENTRIES),
            )
        };
        (map != 0).then_some((map, entries))
    } else {
        None
    };
    let loader = if cmdline_paddr == 0 {
        ""
    } else {
        // SAFETY: the loader's NUL-terminated command line (per the contract), read up to the NUL
        // or MAX_CMDLINE bytes.
        unsafe { phys::c_str(cmdline_paddr, MAX_CMDLINE) }
    };
    let mut copy = [0; MAX_CMDLINE];
    copy[..loader.len()].copy_from_slice(loader.as_bytes());
    let cmdline = CMDLINE
        .set((copy, loader.len()))
        .and_then(|(bytes, len)| core::str::from_utf8(&bytes[..*len]).ok())
        .unwrap_or("");
    Ok(StartInfo {
        cmdline,
        rsdp,
        memmap,
    })
}
