//! refvisor's own (stage 1, EL2) identity map, installed by `enable_mmu` on every physical CPU
//! before any Rust code runs: aarch64-rt's `entry` and `secondary_entry` call it first.
//!
//! One level-1 table (39-bit VA, 4 KiB granule), 1 GiB blocks, as the guest's:
//! - 0 - 1 GiB: Device-nGnRE, execute-never (the GIC, GICH/GICV, the UART);
//! - 1 - 3 GiB: Normal write-back RAM (refvisor, its heap, the guest's RAM it writes);
//!
//! `enable_mmu` also stops EL2 from trapping FP/SIMD (CPTR_EL2 = 0x33ff, its RES1 bits with
//! TFP = 0, Arm ARM D19.2 CPTR_EL2): Rust code uses SIMD registers.

use core::arch::global_asm;

use aarch64_rt::{DEFAULT_SCTLR, DEFAULT_TCR_EL2, InitialPagetable};

/// MAIR index 0: Device-nGnRE; index 1: Normal write-back.
const MAIR: u64 = 0x04 | (0xff << 8);

const VALID: usize = 1 << 0;
const ATTR_INDEX_1: usize = 1 << 2;
const INNER_SHAREABLE: usize = 3 << 8;
const ACCESSED: usize = 1 << 10;
/// XN in the single-range EL2 regime.
const XN: usize = 1 << 54;
const DEVICE: usize = VALID | ACCESSED | XN;
const NORMAL: usize = VALID | ATTR_INDEX_1 | INNER_SHAREABLE | ACCESSED;
const GIB: usize = 1 << 30;

static INITIAL_PAGETABLE: InitialPagetable = {
    let mut table = [0; 512];
    table[0] = DEVICE;
    table[1] = NORMAL | GIB;
    table[2] = NORMAL | (2 * GIB);
    InitialPagetable(table)
};

// SAFETY: the symbol aarch64-rt's entry points call before any Rust code (the
// `initial_pagetable!` expansion is not used, so it is defined once). The table maps the image,
// its stacks and data as Normal memory at their link addresses, so execution continues unchanged
// when translation turns on. `__enable_mmu_el2` takes MAIR in x8, SCTLR in x9, TCR in x10 and
// the table in x11, clobbers x8 and x9, and returns to x30.
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
    "mov x12, #0x33ff",
    "msr cptr_el2, x12",
    "isb",
    "mov_i x8, {mair}",
    "mov_i x9, {sctlr}",
    "mov_i x10, {tcr_el2}",
    "adrp x11, {pagetable}",
    "b {enable_mmu_el2}",
    ".purgem mov_i",
    mair = const MAIR,
    sctlr = const DEFAULT_SCTLR,
    tcr_el2 = const DEFAULT_TCR_EL2,
    pagetable = sym INITIAL_PAGETABLE,
    enable_mmu_el2 = sym aarch64_rt::__private::__enable_mmu_el2,
);
