//! Volatile MMIO access for refvisor's own devices (the physical GIC, GICH, the UART): every
//! access one plain `ldr`/`str` of the given width.

/// A device register address (refvisor's identity map: physical = virtual).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reg(pub usize);

impl Reg {
    /// The register `off` bytes further on.
    pub const fn at(self, off: usize) -> Reg {
        Reg(self.0 + off)
    }

    /// 32-bit read.
    pub fn read32(self) -> u32 {
        // SAFETY: `Reg`s are built from device-tree regions of devices refvisor owns, mapped
        // Device-nGnRE by `mmu`.
        unsafe { core::ptr::read_volatile(self.0 as *const u32) }
    }

    /// 32-bit write.
    pub fn write32(self, v: u32) {
        // SAFETY: as for `read32`.
        unsafe { core::ptr::write_volatile(self.0 as *mut u32, v) }
    }

    /// 64-bit read.
    pub fn read64(self) -> u64 {
        // SAFETY: as for `read32`.
        unsafe { core::ptr::read_volatile(self.0 as *const u64) }
    }

    /// 8-bit write.
    pub fn write8(self, v: u8) {
        // SAFETY: as for `read32`.
        unsafe { core::ptr::write_volatile(self.0 as *mut u8, v) }
    }
}
