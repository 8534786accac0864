//! The arm64 Linux Image header (Documentation/arch/arm64/booting.rst), the first 64 bytes of
//! the flat image. QEMU's `-kernel`, Xen's domain builder and a KVM VMM all recognise an Image
//! by the magic at 0x38 and load it at RAM base + `text_offset`; they then jump to offset 0, which
//! branches to aarch64-rt's `entry` with x0 = the device tree.
//!
//! `head.ld` places section `.head.text` first and defines `__image_size`.

use core::arch::global_asm;

/// Where the loader puts the image, relative to the 2 MiB-aligned base of RAM. `memory.ld` links
/// the image at 0x4000_0000 + this.
pub const TEXT_OFFSET: u64 = 0x20_0000;

/// Header flags: little-endian (bit 0 = 0), 4 KiB pages (bits 1-2 = 1), placed as close to the
/// base of RAM as possible (bit 3 = 0): the image is linked at a fixed address.
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
