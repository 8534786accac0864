//! The identity map the MMU runs with from the first instruction of `entry` (aarch64-rt's
//! `initial_pagetable!`), before anything touches data a hypervisor will read: with the MMU off
//! every access is Device-nGnRnE, so unaligned accesses fault and nothing is cached.
//!
//! One level-1 table (39-bit VA, 4 KiB granule), 1 GiB blocks:
//! - 0 - 1 GiB: Device-nGnRE, execute-never. Every GIC, UART and PSCI-adjacent device of QEMU
//!   virt, Xen domU and our KVM VMM lives here; the device tree says where.
//! - 1 - 3 GiB: Normal write-back RAM (the image at 0x4020_0000, its stack, and the device tree
//!   the loader put above it).
//! - 256 - 257 GiB: Device-nGnRE (QEMU virt's high MMIO, e.g. extra redistributors).

use aarch64_rt::{InitialPagetable, initial_pagetable};

/// MAIR index 0: Device-nGnRE.
const MAIR_DEVICE_NGNRE: u64 = 0x04;
/// MAIR index 1: Normal, inner and outer write-back non-transient read/write-allocate.
const MAIR_NORMAL_WB: u64 = 0xff;
/// The MAIR_ELx value.
const MAIR: u64 = MAIR_DEVICE_NGNRE | (MAIR_NORMAL_WB << 8);

/// Block descriptor bits (Arm ARM D8.3, VMSAv8-64 descriptors).
const VALID: usize = 1 << 0;
const ATTR_INDEX_0: usize = 0 << 2;
const ATTR_INDEX_1: usize = 1 << 2;
const INNER_SHAREABLE: usize = 3 << 8;
const ACCESSED: usize = 1 << 10;
/// Execute-never at EL0, and XN in the single-range EL2 regime. (PXN, bit 53, is RES0 there, so
/// it stays clear: the same table serves a guest entered at EL2.)
const UXN: usize = 1 << 54;

/// Device memory.
const DEVICE: usize = VALID | ATTR_INDEX_0 | ACCESSED | UXN;
/// RAM: the image runs from here.
const NORMAL: usize = VALID | ATTR_INDEX_1 | INNER_SHAREABLE | ACCESSED;

/// 1 GiB, the size of a level-1 block.
const GIB: usize = 1 << 30;

initial_pagetable!(
    {
        let mut table = [0; 512];
        table[0] = DEVICE;
        table[1] = NORMAL | GIB;
        table[2] = NORMAL | (2 * GIB);
        table[256] = DEVICE | (256 * GIB);
        InitialPagetable(table)
    },
    MAIR
);
