//! The arm64 Linux Image header (Documentation/arch/arm64/booting.rst), the first 64 bytes of
//! the flat image, as the guest's (`guest-tests/aarch64/src/head.rs`) but with a text_offset of
//! 128 MiB: QEMU's `-kernel` loads refvisor at 0x4800_0000, above the guest's RAM, and enters it
//! at EL2 with x0 = QEMU's device tree. `head.ld` places section `.head.text` first and defines
//! `__image_size`.

use core::arch::global_asm;

/// Where the loader puts the image, relative to the base of RAM. `memory.ld` links the image at
/// 0x4000_0000 + this.
pub const TEXT_OFFSET: u64 = 0x800_0000;

/// Header flags: little-endian, 4 KiB pages, placed at its text_offset (linked at a fixed
/// address).
const FLAGS: u64 = 0b010;

global_asm!(
    ".section .head.text, \"ax\"",
    ".global image_header",
    "image_header:",
    "b entry",                // code0: branch to aarch64-rt's entry point
    ".word 0",                // code1
    ".quad {text_offset}",    // text_offset
    ".quad __image_size",     // image_size, from head.ld
    ".quad {flags}",          // flags
    ".quad 0",                // res2
    ".quad 0",                // res3
    ".quad 0",                // res4
    ".ascii \"ARM\\x64\"",    // magic
    ".word 0",                // res5 (PE header offset: none)
    text_offset = const TEXT_OFFSET,
    flags = const FLAGS,
);
