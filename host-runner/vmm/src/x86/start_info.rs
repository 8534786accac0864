//! The PVH start info (Xen `include/public/arch-x86/hvm/start_info.h`, version 1): `struct
//! hvm_start_info` (magic 0x336ec578, version, flags, modules, and the physical addresses of
//! the command line, the RSDP and the memory map), the memory map (`struct
//! hvm_memmap_table_entry`: address, size, E820 type), and the NUL-terminated command line. A
//! PVH entry gets its address in `ebx` (Xen `docs/misc/pvh.pandoc`).

use super::layout;
use crate::layout::Region;

/// `XEN_HVM_START_MAGIC_VALUE`.
pub const MAGIC: u32 = 0x336e_c578;
/// The structure's version: 1 has the memory map.
const VERSION: u32 = 1;
/// `sizeof(struct hvm_start_info)`.
pub const SIZE: usize = 56;
/// `sizeof(struct hvm_memmap_table_entry)`.
pub const MEMMAP_ENTRY: usize = 24;
/// E820 types (ACPI 6.5 §15, Table 15.1): usable RAM, reserved.
const E820_RAM: u32 = 1;
const E820_RESERVED: u32 = 2;

/// The memory map of the layout: conventional memory, the reserved area, RAM above 1 MiB.
pub fn memmap() -> Vec<(Region, u32)> {
    vec![
        (layout::LOW_RAM, E820_RAM),
        (layout::RESERVED, E820_RESERVED),
        (layout::HIGH_RAM, E820_RAM),
    ]
}

/// The memory map's bytes.
pub fn memmap_bytes() -> Vec<u8> {
    memmap()
        .into_iter()
        .flat_map(|(r, kind)| {
            let mut e = Vec::with_capacity(MEMMAP_ENTRY);
            e.extend(r.base.to_le_bytes());
            e.extend(r.size.to_le_bytes());
            e.extend(kind.to_le_bytes());
            e.extend(0u32.to_le_bytes());
            e
        })
        .collect()
}

/// The start info pointing at the layout's command line, RSDP and memory map.
pub fn start_info() -> [u8; SIZE] {
    let mut s = [0u8; SIZE];
    let mut put = |at: usize, bytes: &[u8]| s[at..at + bytes.len()].copy_from_slice(bytes);
    put(0x00, &MAGIC.to_le_bytes());
    put(0x04, &VERSION.to_le_bytes());
    // flags 0, no modules (nr_modules 0, modlist_paddr 0)
    put(0x18, &layout::CMDLINE.to_le_bytes());
    put(0x20, &layout::RSDP.to_le_bytes());
    put(0x28, &layout::MEMMAP.to_le_bytes());
    put(0x30, &(memmap().len() as u32).to_le_bytes());
    s
}

/// The command line's bytes with their NUL; an error when it does not fit.
pub fn cmdline(text: &str) -> Result<Vec<u8>, String> {
    if text.len() >= layout::CMDLINE_MAX || text.contains('\0') {
        return Err(format!(
            "the guest command line ({} bytes) must be under {} bytes without NULs",
            text.len(),
            layout::CMDLINE_MAX
        ));
    }
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(0);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u64_at(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
    }

    #[test]
    fn the_start_info_has_the_magic_version_1_and_points_at_cmdline_rsdp_and_memmap() {
        let s = start_info();
        assert_eq!(u32::from_le_bytes(s[0..4].try_into().unwrap()), 0x336e_c578);
        assert_eq!(s[4], 1);
        assert_eq!(u64_at(&s, 0x18), layout::CMDLINE);
        assert_eq!(u64_at(&s, 0x20), layout::RSDP);
        assert_eq!(u64_at(&s, 0x28), layout::MEMMAP);
        assert_eq!(s[0x30], 3);
        assert!(layout::START_INFO + SIZE as u64 <= layout::MEMMAP);
    }

    #[test]
    fn the_memory_map_says_the_trampoline_page_and_the_guest_are_ram_and_the_tables_are_not() {
        let map = memmap_bytes();
        assert_eq!(map.len(), 3 * MEMMAP_ENTRY);
        let entries: Vec<(u64, u64, u32)> = map
            .chunks(MEMMAP_ENTRY)
            .map(|e| {
                (
                    u64_at(e, 0),
                    u64_at(e, 8),
                    u32::from_le_bytes(e[16..20].try_into().unwrap()),
                )
            })
            .collect();
        let ram = |a: u64| {
            entries
                .iter()
                .any(|&(b, s, t)| t == 1 && b <= a && a < b + s)
        };
        assert!(ram(0x8000) && ram(0x10_0000) && ram(layout::RAM.size - 1));
        assert!(!ram(layout::RSDP) && !ram(layout::START_INFO));
        assert!(layout::START_INFO + SIZE as u64 <= layout::MEMMAP + map.len() as u64);
    }

    #[test]
    fn the_command_line_is_nul_terminated_and_one_too_long_is_an_error() {
        assert_eq!(cmdline("irqsuite.run=3").unwrap(), b"irqsuite.run=3\0");
        assert!(cmdline(&"x".repeat(layout::CMDLINE_MAX)).is_err());
        assert!(cmdline("a\0b").is_err());
    }
}
