//! The guest's physical address space as this VMM lays it out. The devices sit at addresses of
//! our own choosing (not QEMU virt's), all below 1 GiB where the test guest maps device memory;
//! the guest finds them through the device tree. Nothing but RAM is backed by memory: every
//! other access is an MMIO exit (the UART) or a device of the in-kernel vGIC.

/// A guest-physical region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// First address.
    pub base: u64,
    /// Size in bytes.
    pub size: u64,
}

impl Region {
    /// Whether `addr` lies inside.
    pub fn contains(&self, addr: u64) -> bool {
        addr >= self.base && addr - self.base < self.size
    }
}

/// Guest RAM: 256 MiB at 1 GiB (where the test guest is linked, 2 MiB above the start).
pub const RAM: Region = Region {
    base: 0x4000_0000,
    size: 256 << 20,
};

/// The device tree: the last 2 MiB of RAM, far above the guest image and its `.bss`.
pub const DTB: Region = Region {
    base: RAM.base + RAM.size - (2 << 20),
    size: 2 << 20,
};

/// The GIC distributor (GICv3: 64 KiB; GICv2: the first 4 KiB).
pub const GICD: Region = Region {
    base: 0x0800_0000,
    size: 0x1_0000,
};

/// The GICv2 CPU interface.
pub const GICC: Region = Region {
    base: 0x0801_0000,
    size: 0x2000,
};

/// The ITS: control and translation frames.
pub const ITS: Region = Region {
    base: 0x0810_0000,
    size: 0x2_0000,
};

/// The GICv3 redistributors: one 128 KiB frame pair per vCPU from here on.
pub const GICR_BASE: u64 = 0x0820_0000;

/// The stride of one GICv3 redistributor (RD_base and SGI_base frames).
pub const GICR_STRIDE: u64 = 0x2_0000;

/// The redistributor region for `cpus` vCPUs.
pub const fn gicr(cpus: u8) -> Region {
    Region {
        base: GICR_BASE,
        size: GICR_STRIDE * cpus as u64,
    }
}

/// The PL011 the guest writes its records to: unbacked, every access is an MMIO exit.
pub const UART: Region = Region {
    base: 0x0900_0000,
    size: 0x1000,
};

/// The UART's interrupt: SPI 1 (INTID 33), described but never raised.
pub const UART_SPI: u32 = 1;

/// INTIDs the distributor implements: 288 (GICD_TYPER.ITLinesNumber = 8), as QEMU's virt board.
pub const NR_IRQS: u32 = 288;

/// Where an arm64 Image with `header` (its first 64 bytes) goes: RAM's start plus the header's
/// `text_offset`, as the arm64 boot protocol asks (Documentation/arch/arm64/booting.rst), after
/// checking the magic and that its `image_size` (or its file size, when 0) stays below the
/// device tree.
pub fn image_address(header: &[u8], file_size: u64) -> Result<u64, String> {
    let word = |at: usize| {
        header
            .get(at..at + 8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()))
    };
    if header.get(0x38..0x3c) != Some(b"ARM\x64") {
        return Err("the guest is not an arm64 Image (no ARM\\x64 magic at 0x38)".into());
    }
    let text_offset = word(0x08).unwrap_or(0);
    let image_size = word(0x10).unwrap_or(0).max(file_size);
    let base = RAM.base + text_offset;
    match base.checked_add(image_size) {
        Some(end) if end <= DTB.base => Ok(base),
        _ => Err(format!(
            "the guest Image ({image_size:#x} bytes at {base:#x}) does not fit below the device tree at {:#x}",
            DTB.base
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text_offset: u64, image_size: u64) -> Vec<u8> {
        let mut h = vec![0u8; 64];
        h[0x08..0x10].copy_from_slice(&text_offset.to_le_bytes());
        h[0x10..0x18].copy_from_slice(&image_size.to_le_bytes());
        h[0x38..0x3c].copy_from_slice(b"ARM\x64");
        h
    }

    #[test]
    fn the_image_goes_at_ram_plus_its_text_offset() {
        assert_eq!(
            image_address(&header(0x20_0000, 0x10_0000), 0x1000),
            Ok(0x4020_0000)
        );
    }

    #[test]
    fn an_image_without_the_magic_or_too_big_for_ram_is_refused() {
        let mut bad = header(0x20_0000, 0x1000);
        bad[0x38] = b'X';
        assert!(image_address(&bad, 0x1000).unwrap_err().contains("magic"));
        let huge = header(0x20_0000, RAM.size);
        assert!(
            image_address(&huge, 0x1000)
                .unwrap_err()
                .contains("does not fit")
        );
    }

    #[test]
    fn the_devices_do_not_overlap_and_sit_below_one_gib() {
        let mut regions = [GICD, GICC, ITS, gicr(crate::config::MAX_CPUS), UART];
        regions.sort_by_key(|r| r.base);
        for pair in regions.windows(2) {
            assert!(pair[0].base + pair[0].size <= pair[1].base, "{pair:?}");
        }
        assert!(regions.iter().all(|r| r.base + r.size <= 1 << 30));
        assert!(
            regions.iter().all(|r| r.base % 0x1_0000 == 0),
            "64 KiB aligned for KVM"
        );
    }
}
