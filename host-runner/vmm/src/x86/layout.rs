//! The x86_64 guest's physical address space as this VMM lays it out: RAM from 0 (the guest is
//! linked at 1 MiB, its AP trampoline page is 0x8000), a reserved area in the old BIOS window
//! (0xE0000-0xFFFFF) holding everything the VMM writes for the guest (ACPI tables, the PVH
//! start info, its memory map and command line, the boot GDT), and the interrupt controllers at
//! their architectural addresses: the IOAPIC at 0xFEC00000 (MADT) and the local APICs at
//! 0xFEE00000 (SDM vol. 3 §11.4.1), both above RAM, so every access to them exits (the IOAPIC
//! of the split target) or is KVM's (the local APICs, the in-kernel IOAPIC).

use crate::layout::Region;

/// Guest RAM: 256 MiB from 0.
pub const RAM: Region = Region {
    base: 0,
    size: 256 << 20,
};

/// Conventional memory the guest may use below the reserved area (0 to 640 KiB).
pub const LOW_RAM: Region = Region {
    base: 0,
    size: 0xa_0000,
};

/// The reserved area: the VMM's tables, never RAM the guest may take.
pub const RESERVED: Region = Region {
    base: 0xe_0000,
    size: 0x2_0000,
};

/// Where the guest ELF may load: from 1 MiB to the end of RAM.
pub const HIGH_RAM: Region = Region {
    base: 0x10_0000,
    size: RAM.size - 0x10_0000,
};

/// The ACPI RSDP (16-byte aligned, inside the BIOS area where a search finds it too).
pub const RSDP: u64 = 0xe_0000;
/// The XSDT.
pub const XSDT: u64 = 0xe_0040;
/// The MADT (room for 44 + 8 × 255 bytes of entries is more than any VM here needs).
pub const MADT: u64 = 0xe_0100;
/// The FADT.
pub const FADT: u64 = 0xe_0a00;
/// The boot GDT (null, code, data, TSS descriptors).
pub const GDT: u64 = 0xe_0c00;
/// The 32-bit TSS the PVH entry's TR refers to.
pub const TSS: u64 = 0xe_0d00;
/// The PVH start info (`struct hvm_start_info`).
pub const START_INFO: u64 = 0xe_1000;
/// The PVH memory map (`struct hvm_memmap_table_entry[]`).
pub const MEMMAP: u64 = 0xe_1100;
/// The guest's command line (NUL-terminated).
pub const CMDLINE: u64 = 0xe_2000;
/// The longest command line, with its NUL.
pub const CMDLINE_MAX: usize = 0x1000;

/// The IOAPIC's register window (82093AA §3.0; the address the MADT gives).
pub const IOAPIC: Region = Region {
    base: 0xfec0_0000,
    size: 0x1000,
};

/// The local APICs' default base (SDM vol. 3 §11.4.1).
pub const LAPIC_BASE: u32 = 0xfee0_0000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_lie_inside_the_reserved_area_in_order_without_overlap() {
        let starts = [
            RSDP, XSDT, MADT, FADT, GDT, TSS, START_INFO, MEMMAP, CMDLINE,
        ];
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
        assert!(starts.iter().all(|&a| RESERVED.contains(a)));
        assert!(RESERVED.contains(CMDLINE + CMDLINE_MAX as u64 - 1));
        assert!(!RESERVED.contains(HIGH_RAM.base) && !LOW_RAM.contains(RESERVED.base));
        assert!(LOW_RAM.contains(0x8000), "the AP trampoline page is RAM");
    }
}
