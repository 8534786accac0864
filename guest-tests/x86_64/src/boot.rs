//! Entry: the PVH ELF note and the 32-bit stub that gets to long mode.
//!
//! QEMU's `-kernel` (q35, through its PVH option ROM) and Xen's PVH domain builder both load the
//! ELF at its physical addresses and enter at the address in the `XEN_ELFNOTE_PHYS32_ENTRY` note
//! (Xen `include/public/elfnote.h`, type 18; `docs/misc/pvh.pandoc`): 32-bit protected mode,
//! paging off, flat segments, `ebx` = the physical address of the `hvm_start_info`
//! ([`crate::pvh`]). The stub then
//!
//! 1. builds an identity map of the low 4 GiB with 2 MiB pages (`boot_pd`, four page
//!    directories), the top GiB (the MMIO hole: IOAPIC 0xfec00000, VT-d units, local APIC
//!    0xfee00000) uncached with PCD|PWT (SDM vol. 3 §4.9, §11.3),
//! 2. enables PAE, loads CR3, sets EFER.LME, enables paging (SDM vol. 3 §10.8.5, initializing
//!    IA-32e mode),
//! 3. loads a boot GDT with a 64-bit code segment, far-jumps to it, and calls
//!    [`crate::rust_start`] with the start-info address, on the boot stack.
//!
//! The application processors reuse the page tables (`boot_pml4`, see [`crate::smp`]).

use core::arch::global_asm;

/// Bytes of the boot CPU's stack.
pub const BOOT_STACK: usize = 64 * 1024;

global_asm!(
    // The PVH entry note: namesz 4, descsz 8 (QEMU reads an 8-byte address from an ELF64 note;
    // Xen accepts 4 or 8), type 18, name "Xen".
    ".pushsection .note.Xen, \"a\", @note",
    ".balign 4",
    ".long 4",
    ".long 8",
    ".long 18",
    ".asciz \"Xen\"",
    ".balign 4",
    ".quad pvh_start",
    ".balign 4",
    ".popsection",

    ".pushsection .bss.boot, \"aw\", @nobits",
    ".balign 4096",
    ".global boot_pml4",
    "boot_pml4: .skip 4096",
    "boot_pdpt: .skip 4096",
    "boot_pd: .skip 4 * 4096",
    ".balign 16",
    "boot_stack: .skip {stack}",
    "boot_stack_top:",
    ".popsection",

    ".pushsection .rodata.boot, \"a\"",
    ".balign 16",
    "boot_gdt:",
    ".quad 0",
    ".quad 0x00af9a000000ffff", // 0x08: 64-bit code, DPL 0
    ".quad 0x00cf92000000ffff", // 0x10: data
    "boot_gdt_end:",
    ".balign 8",
    "boot_gdtr:",
    ".word boot_gdt_end - boot_gdt - 1",
    ".quad boot_gdt",
    ".popsection",

    ".pushsection .text.boot, \"ax\"",
    ".code32",
    ".global pvh_start",
    "pvh_start:",
    "cli",
    "cld",
    "movl %ebx, %ebp",
    "movl $boot_stack_top, %esp",
    // Zero the PML4 and the PDPT (the loader zeroes .bss, but nothing else relies on that yet).
    "movl $boot_pml4, %edi",
    "xorl %eax, %eax",
    "movl $2048, %ecx",
    "rep stosl",
    // PML4[0] -> PDPT; PDPT[0..4] -> the four page directories.
    "movl $boot_pdpt, %eax",
    "orl $0x3, %eax",
    "movl %eax, boot_pml4",
    "xorl %ecx, %ecx",
    "1:",
    "movl %ecx, %eax",
    "shll $12, %eax",
    "addl $boot_pd, %eax",
    "orl $0x3, %eax",
    "movl %eax, boot_pdpt(,%ecx,8)",
    "movl $0, boot_pdpt+4(,%ecx,8)",
    "incl %ecx",
    "cmpl $4, %ecx",
    "jb 1b",
    // 2048 2 MiB pages: present, writable, PS; from 3 GiB up also PCD|PWT (uncached).
    "xorl %ecx, %ecx",
    "2:",
    "movl %ecx, %eax",
    "shll $21, %eax",
    "orl $0x83, %eax",
    "cmpl $1536, %ecx",
    "jb 3f",
    "orl $0x18, %eax",
    "3:",
    "movl %eax, boot_pd(,%ecx,8)",
    "movl $0, boot_pd+4(,%ecx,8)",
    "incl %ecx",
    "cmpl $2048, %ecx",
    "jb 2b",
    // CR4.PAE, CR3, EFER.LME, CR0.PG (with PE).
    "movl %cr4, %eax",
    "orl $0x20, %eax",
    "movl %eax, %cr4",
    "movl $boot_pml4, %eax",
    "movl %eax, %cr3",
    "movl $0xc0000080, %ecx",
    "rdmsr",
    "orl $0x100, %eax",
    "wrmsr",
    "movl %cr0, %eax",
    "orl $0x80000001, %eax",
    "movl %eax, %cr0",
    "lgdt boot_gdtr",
    "ljmp $0x08, $4f",
    ".code64",
    "4:",
    "movw $0x10, %ax",
    "movw %ax, %ds",
    "movw %ax, %es",
    "movw %ax, %ss",
    "xorw %ax, %ax",
    "movw %ax, %fs",
    "movw %ax, %gs",
    "movq $boot_stack_top, %rsp",
    "movl %ebp, %edi",
    "call {main}",
    "5:",
    "cli",
    "hlt",
    "jmp 5b",
    ".popsection",
    stack = const BOOT_STACK,
    main = sym crate::rust_start,
    options(att_syntax)
);
