//! refvisor's EL2 exception vector table (Arm ARM D1.10.2, "Exception vectors"): every entry
//! saves all 31 general-purpose registers in a [`Frame`] on the EL2 stack, so a trap handler can
//! read and write any register the guest named (an MMIO load's SRT, a system register's Rt, up
//! to x30), calls [`crate::trap::handle`] with the frame and the [`Kind`], restores the
//! registers and returns with `eret`.
//!
//! [`enter_guest`] makes the first entry into EL1 on each CPU.

use core::arch::global_asm;

/// The guest's general-purpose registers at the exception.
#[repr(C)]
#[derive(Debug)]
pub struct Frame {
    /// x0 - x30.
    pub x: [u64; 31],
    _pad: u64,
}

impl Frame {
    /// Register `n` (31 reads as zero: XZR in a load/store's SRT).
    pub fn get(&self, n: usize) -> u64 {
        self.x.get(n).copied().unwrap_or(0)
    }

    /// Writes register `n` (writes to 31, XZR, are dropped).
    pub fn set(&mut self, n: usize, v: u64) {
        if let Some(r) = self.x.get_mut(n) {
            *r = v;
        }
    }
}

/// Which vector was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Kind {
    /// A synchronous exception from EL2 itself: a refvisor bug.
    CurrentSync = 0,
    /// An IRQ, FIQ or SError at EL2: never unmasked there, a refvisor bug.
    CurrentOther = 1,
    /// A synchronous exception from the guest (a trap).
    LowerSync = 2,
    /// A physical IRQ while the guest ran.
    LowerIrq = 3,
    /// A physical FIQ or SError while the guest ran.
    LowerOther = 4,
}

impl Kind {
    fn from_code(code: u64) -> Kind {
        match code {
            0 => Kind::CurrentSync,
            2 => Kind::LowerSync,
            3 => Kind::LowerIrq,
            4 => Kind::LowerOther,
            _ => Kind::CurrentOther,
        }
    }
}

/// Called by the vectors with the saved frame and the vector's code.
#[unsafe(no_mangle)]
extern "C" fn refvisor_trap(frame: &mut Frame, code: u64) {
    crate::trap::handle(frame, Kind::from_code(code));
}

unsafe extern "C" {
    /// The vector table (2 KiB aligned).
    static refvisor_vectors: u8;
    /// Enters EL1 at `entry` with x0 = `x0`, the EL2 stack reset to `stack_top`.
    fn refvisor_enter_guest(x0: u64, entry: u64, stack_top: u64) -> !;
}

/// Installs the vector table in VBAR_EL2.
pub fn install() {
    let base = (&raw const refvisor_vectors) as u64;
    crate::sysreg::write_vbar_el2(base);
}

/// Enters the guest at EL1h, interrupts masked (SPSR_EL2 = 0x3c5), at `entry` with x0 = `x0`,
/// the other registers zero; every later exception uses the EL2 stack from `stack_top` down.
///
/// # Safety
///
/// HCR_EL2, stage 2 and the vGIC must be set up for this CPU, and `stack_top` must be the top
/// of a stack nothing else uses (the caller's frames are abandoned).
pub unsafe fn enter_guest(x0: u64, entry: u64, stack_top: u64) -> ! {
    // SAFETY: as the caller vouches.
    unsafe { refvisor_enter_guest(x0, entry, stack_top) }
}

// SAFETY: the table only calls `refvisor_trap` with a frame it built on the current stack and
// restores every register it saved before `eret`.
global_asm!(
    r#"
.macro vector code:req
    .balign 0x80
    sub sp, sp, #(8 * 32)
    stp x0, x1, [sp, #0]
    mov x1, #\code
    b refvisor_save_and_dispatch
.endm

.section .text.refvisor_vectors, "ax"
.balign 0x800
.global refvisor_vectors
refvisor_vectors:
    vector 0
    vector 1
    vector 1
    vector 1
    vector 0
    vector 1
    vector 1
    vector 1
    vector 2
    vector 3
    vector 4
    vector 4
    vector 2
    vector 3
    vector 4
    vector 4

refvisor_save_and_dispatch:
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x20, x21, [sp, #160]
    stp x22, x23, [sp, #176]
    stp x24, x25, [sp, #192]
    stp x26, x27, [sp, #208]
    stp x28, x29, [sp, #224]
    str x30, [sp, #240]
    mov x0, sp
    bl refvisor_trap
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x19, [sp, #144]
    ldp x20, x21, [sp, #160]
    ldp x22, x23, [sp, #176]
    ldp x24, x25, [sp, #192]
    ldp x26, x27, [sp, #208]
    ldp x28, x29, [sp, #224]
    ldr x30, [sp, #240]
    ldp x0, x1, [sp, #0]
    add sp, sp, #(8 * 32)
    eret

.global refvisor_enter_guest
refvisor_enter_guest:
    mov sp, x2
    msr elr_el2, x1
    mov x1, #0x3c5
    msr spsr_el2, x1
    mov x1, xzr
    mov x2, xzr
    mov x3, xzr
    mov x4, xzr
    mov x5, xzr
    mov x6, xzr
    mov x7, xzr
    mov x8, xzr
    mov x9, xzr
    mov x10, xzr
    mov x11, xzr
    mov x12, xzr
    mov x13, xzr
    mov x14, xzr
    mov x15, xzr
    mov x16, xzr
    mov x17, xzr
    mov x18, xzr
    mov x19, xzr
    mov x20, xzr
    mov x21, xzr
    mov x22, xzr
    mov x23, xzr
    mov x24, xzr
    mov x25, xzr
    mov x26, xzr
    mov x27, xzr
    mov x28, xzr
    mov x29, xzr
    mov x30, xzr
    isb
    eret
.purgem vector
"#
);
