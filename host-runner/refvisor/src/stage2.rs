//! The guest's stage-2 translation (Arm ARM D8, "The AArch64 Virtual Memory System
//! Architecture", stage 2 with a 4 KiB granule): a 32-bit IPA space starting at level 1.
//!
//! - Guest RAM, [`GUEST_RAM`], identity-mapped Normal write-back in 2 MiB blocks. refvisor's own
//!   image, heap and tables (from 0x4800_0000) are outside it.
//! - Everything else is unmapped, so the guest's accesses to the GIC distributor and
//!   redistributors, the UART and any other device trap (a stage-2 data abort with the access
//!   decoded in ESR_EL2) and refvisor emulates them.
//! - GICv2 only: the guest's first GICC page is the first GICV page (IHI 0048B §5.5, "The
//!   virtual CPU interface"): the guest acknowledges and ends interrupts in hardware through the
//!   list registers. The DIR page (0x1000) stays unmapped, so every DIR write traps (the GICv2
//!   equivalent of ICH_HCR_EL2.TDIR, see `reference_vgic::lr::maintenance::Hcr`, which refvisor
//!   always sets: see `world`).

use core::cell::UnsafeCell;

use crate::dt::Region;
use crate::sysreg;

/// Guest RAM: the guest Image at 0x4020_0000 (its text_offset) and its device tree.
pub const GUEST_RAM: Region = Region {
    base: 0x4000_0000,
    size: 0x800_0000,
};

const BLOCK_2M: usize = 2 << 20;
const PAGE: usize = 4096;

/// Descriptor bits (Arm ARM D8.3, stage-2 block, page and table descriptors).
const BLOCK: u64 = 0b01;
const TABLE_OR_PAGE: u64 = 0b11;
const MEMATTR_NORMAL_WB: u64 = 0b1111 << 2;
const MEMATTR_DEVICE_NGNRE: u64 = 0b0001 << 2;
const S2AP_RW: u64 = 0b11 << 6;
const SH_INNER: u64 = 0b11 << 8;
const AF: u64 = 1 << 10;
const NORMAL: u64 = MEMATTR_NORMAL_WB | S2AP_RW | SH_INNER | AF;
const DEVICE: u64 = MEMATTR_DEVICE_NGNRE | S2AP_RW | AF;

/// VTCR_EL2: T0SZ = 32 (4 GiB IPA), SL0 = 1 (start at level 1), inner/outer write-back,
/// inner shareable, 4 KiB granule, PS = 32 bits; bit 31 RES1.
const VTCR: u64 = 0x8000_3560;

#[repr(C, align(4096))]
struct Table(UnsafeCell<[u64; 512]>);

// SAFETY: the tables are written by CPU 0 before any guest runs and never after; the MMU reads
// them as a device would.
unsafe impl Sync for Table {}

impl Table {
    const fn new() -> Table {
        Table(UnsafeCell::new([0; 512]))
    }
    fn addr(&self) -> u64 {
        self.0.get() as u64
    }
    fn set(&self, i: usize, v: u64) {
        // SAFETY: see the `Sync` impl; `i` indexes a 512-entry array (checked).
        unsafe { (*self.0.get())[i] = v };
    }
}

static L1: Table = Table::new();
static L2_LOW: Table = Table::new();
static L2_RAM: Table = Table::new();
static L3_GICC: Table = Table::new();

/// Builds the tables: guest RAM mapped, everything else trapped.
pub fn build() {
    L1.set(0, L2_LOW.addr() | TABLE_OR_PAGE);
    L1.set(1, L2_RAM.addr() | TABLE_OR_PAGE);
    let ram_offset = GUEST_RAM.base - (1 << 30);
    for i in 0..GUEST_RAM.size / BLOCK_2M {
        let pa = (GUEST_RAM.base + i * BLOCK_2M) as u64;
        L2_RAM.set(ram_offset / BLOCK_2M + i, pa | NORMAL | BLOCK);
    }
}

/// GICv2: maps the first page of the guest's GICC region (`gicc`, its IPA) to the first page
/// of the GICV frame `gicv`; the DIR page stays unmapped. Call after [`build`].
pub fn map_gicv(gicc: Region, gicv: Region) {
    L2_LOW.set(gicc.base / BLOCK_2M, L3_GICC.addr() | TABLE_OR_PAGE);
    let first = (gicc.base % BLOCK_2M) / PAGE;
    L3_GICC.set(first, gicv.base as u64 | DEVICE | TABLE_OR_PAGE);
}

/// Turns stage 2 on for this CPU's guest (VMID 0): VTCR_EL2, VTTBR_EL2.
pub fn install() {
    sysreg::write_vtcr_el2(VTCR);
    sysreg::write_vttbr_el2(L1.addr());
    sysreg::flush_guest_tlb();
}
