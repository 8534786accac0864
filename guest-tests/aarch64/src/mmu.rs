//! The identity map the MMU runs with from the first instruction of `entry`, before anything
//! touches data a hypervisor will read: with the MMU off every access is Device-nGnRnE, so
//! unaligned accesses fault and nothing is cached.
//!
//! `enable_mmu` is the routine aarch64-rt's `entry` and `secondary_entry` call first, on every
//! CPU. It is defined here (what aarch64-rt's `initial_pagetable!` would generate) so that it
//! can leave EL2 first ([`crate::el2`]); then it enables the MMU at the level the CPU is at,
//! with aarch64-rt's own routines and default SCTLR and TCR values: EL1 normally; EL2 only when
//! E2H cannot be cleared, EL3 if a loader entered there (the runner logs both).
//!
//! One level-1 table (39-bit VA, 4 KiB granule), 1 GiB blocks:
//! - 0 - 1 GiB: Device-nGnRE, execute-never. Every GIC, UART and PSCI-adjacent device of QEMU
//!   virt, Xen domU and our KVM VMM lives here; the device tree says where.
//! - 1 - 3 GiB: Normal write-back RAM (the image at 0x4020_0000, its stack, and the device tree
//!   the loader put above it).
//! - 256 - 257 GiB: Device-nGnRE (QEMU virt's high MMIO, e.g. extra redistributors).

use core::arch::global_asm;

use aarch64_rt::{
    DEFAULT_SCTLR, DEFAULT_TCR_EL1, DEFAULT_TCR_EL2, DEFAULT_TCR_EL3, InitialPagetable,
};

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

/// The level-1 table `enable_mmu` installs in TTBR0.
static INITIAL_PAGETABLE: InitialPagetable = {
    let mut table = [0; 512];
    table[0] = DEVICE;
    table[1] = NORMAL | GIB;
    table[2] = NORMAL | (2 * GIB);
    table[256] = DEVICE | (256 * GIB);
    InitialPagetable(table)
};

// `enable_mmu`: aarch64-rt's contract (called with `bl`, MMU off, no stack; x0-x3 and x30
// preserved; x8-x12 clobbered). At EL2, `el2_to_el1` drops to EL1 and comes back to 0:
// (or, when it cannot drop, branches there at EL2). Then CurrentEL picks the routine, as
// aarch64-rt's own `enable_mmu!` does.
// SAFETY: the symbol is the one aarch64-rt's entry points call before any Rust code; it
// replaces the `initial_pagetable!` expansion (which is not used, so the symbol is defined once).
// The table maps the image, its stacks and data as Normal memory at their link addresses
// (identity), so execution continues unchanged when translation turns on. `__enable_mmu_el*`
// take MAIR in x8, SCTLR in x9, TCR in x10 and the table in x11, clobber x8 and x9, and return
// to x30, which `el2_to_el1` preserves.
global_asm!(
    r".macro mov_i, reg:req, imm:req",
    r"movz \reg, :abs_g3:\imm",
    r"movk \reg, :abs_g2_nc:\imm",
    r"movk \reg, :abs_g1_nc:\imm",
    r"movk \reg, :abs_g0_nc:\imm",
    r".endm",
    ".section .init, \"ax\"",
    ".global enable_mmu",
    "enable_mmu:",
    "mrs x12, CurrentEL",
    "ubfx x12, x12, #2, #2",
    "cmp x12, #2",
    "b.ne 0f",
    "adr x9, 0f",
    "b el2_to_el1",
    "0:",
    "mov_i x8, {mair}",
    "mov_i x9, {sctlr}",
    "adrp x11, {pagetable}",
    "mrs x12, CurrentEL",
    "ubfx x12, x12, #2, #2",
    "cmp x12, #3",
    "b.ne 1f",
    "mov_i x10, {tcr_el3}",
    "b {enable_mmu_el3}",
    "1:",
    "cmp x12, #2",
    "b.ne 2f",
    "mov_i x10, {tcr_el2}",
    "b {enable_mmu_el2}",
    "2:",
    "mov_i x10, {tcr_el1}",
    "b {enable_mmu_el1}",
    ".purgem mov_i",
    mair = const MAIR,
    sctlr = const DEFAULT_SCTLR,
    tcr_el1 = const DEFAULT_TCR_EL1,
    tcr_el2 = const DEFAULT_TCR_EL2,
    tcr_el3 = const DEFAULT_TCR_EL3,
    pagetable = sym INITIAL_PAGETABLE,
    enable_mmu_el1 = sym aarch64_rt::__private::__enable_mmu_el1,
    enable_mmu_el2 = sym aarch64_rt::__private::__enable_mmu_el2,
    enable_mmu_el3 = sym aarch64_rt::__private::__enable_mmu_el3,
);
