//! System registers: the GICv3 CPU interface (ICC_*_EL1), the EL1 virtual timer (CNTV_*_EL0),
//! and the few registers the runtime itself needs.
//!
//! ICC and timer registers are named by their generic `S<op0>_<op1>_C<n>_C<m>_<op2>` encodings
//! (Arm ARM, IHI 0069H §12.11 and D24.8), so that every access, including a read of a write-only
//! register, assembles into the real instruction and the target decides what happens.

use core::arch::asm;

use guest_kit::{IccReg, TimerReg};

/// `mrs` of one system register, by name.
macro_rules! mrs {
    ($reg:literal) => {{
        let value: u64;
        // SAFETY: reading a system register changes no memory; side effects on the interrupt
        // controller (acknowledge) are the point of the access.
        unsafe { asm!(concat!("mrs {v}, ", $reg), v = out(reg) value, options(nostack, preserves_flags)) };
        value
    }};
}

/// `msr` of one system register, by name, followed by `isb` so the write takes effect before the
/// next instruction.
macro_rules! msr {
    ($reg:literal, $value:expr) => {{
        let value: u64 = $value;
        // SAFETY: the registers written through this macro configure the interrupt controller
        // and timer only; they do not change memory, translation or the stack.
        unsafe { asm!(concat!("msr ", $reg, ", {v}"), "isb", v = in(reg) value, options(nostack, preserves_flags)) };
    }};
}

/// Reads a GICv3 CPU interface register.
pub fn read_icc(reg: IccReg) -> u64 {
    match reg {
        IccReg::Iar1 => mrs!("S3_0_C12_C12_0"),
        IccReg::Eoir1 => mrs!("S3_0_C12_C12_1"),
        IccReg::Hppir1 => mrs!("S3_0_C12_C12_2"),
        IccReg::Bpr1 => mrs!("S3_0_C12_C12_3"),
        IccReg::Ctlr => mrs!("S3_0_C12_C12_4"),
        IccReg::Sre => mrs!("S3_0_C12_C12_5"),
        IccReg::Igrpen1 => mrs!("S3_0_C12_C12_7"),
        IccReg::Pmr => mrs!("S3_0_C4_C6_0"),
        IccReg::Dir => mrs!("S3_0_C12_C11_1"),
        IccReg::Rpr => mrs!("S3_0_C12_C11_3"),
        IccReg::Sgi1r => mrs!("S3_0_C12_C11_5"),
        IccReg::Ap1r0 => mrs!("S3_0_C12_C9_0"),
    }
}

/// Writes a GICv3 CPU interface register, then `isb`.
pub fn write_icc(reg: IccReg, value: u64) {
    match reg {
        IccReg::Iar1 => msr!("S3_0_C12_C12_0", value),
        IccReg::Eoir1 => msr!("S3_0_C12_C12_1", value),
        IccReg::Hppir1 => msr!("S3_0_C12_C12_2", value),
        IccReg::Bpr1 => msr!("S3_0_C12_C12_3", value),
        IccReg::Ctlr => msr!("S3_0_C12_C12_4", value),
        IccReg::Sre => msr!("S3_0_C12_C12_5", value),
        IccReg::Igrpen1 => msr!("S3_0_C12_C12_7", value),
        IccReg::Pmr => msr!("S3_0_C4_C6_0", value),
        IccReg::Dir => msr!("S3_0_C12_C11_1", value),
        IccReg::Rpr => msr!("S3_0_C12_C11_3", value),
        IccReg::Sgi1r => msr!("S3_0_C12_C11_5", value),
        IccReg::Ap1r0 => msr!("S3_0_C12_C9_0", value),
    }
}

/// Reads a virtual timer register.
pub fn read_timer(reg: TimerReg) -> u64 {
    match reg {
        TimerReg::Ctl => mrs!("S3_3_C14_C3_1"),
        TimerReg::Tval => mrs!("S3_3_C14_C3_0"),
        TimerReg::Cval => mrs!("S3_3_C14_C3_2"),
        TimerReg::Count => mrs!("S3_3_C14_C0_2"),
    }
}

/// Writes a virtual timer register, then `isb`.
pub fn write_timer(reg: TimerReg, value: u64) {
    match reg {
        TimerReg::Ctl => msr!("S3_3_C14_C3_1", value),
        TimerReg::Tval => msr!("S3_3_C14_C3_0", value),
        TimerReg::Cval => msr!("S3_3_C14_C3_2", value),
        TimerReg::Count => msr!("S3_3_C14_C0_2", value),
    }
}

/// The virtual count, CNTVCT_EL0 (after an `isb`, so it is not read early).
pub fn counter() -> u64 {
    // SAFETY: a barrier only.
    unsafe { asm!("isb", options(nostack, preserves_flags)) };
    mrs!("S3_3_C14_C0_2")
}

/// The counter frequency in Hz, CNTFRQ_EL0.
pub fn counter_frequency() -> u64 {
    mrs!("S3_3_C14_C0_0")
}

/// The exception level the guest runs at (CurrentEL.EL).
pub fn current_el() -> u8 {
    ((mrs!("CurrentEL") >> 2) & 3) as u8
}

/// The syndrome and fault address of the exception being handled, from the registers of the
/// exception level the guest runs at.
pub fn esr_far() -> (u64, u64) {
    if current_el() == 2 {
        (mrs!("esr_el2"), mrs!("far_el2"))
    } else {
        (mrs!("esr_el1"), mrs!("far_el1"))
    }
}

/// Masks IRQ and FIQ (PSTATE.I, PSTATE.F): cases poll, they never take interrupts.
pub fn mask_interrupts() {
    // SAFETY: changes only the interrupt masks.
    unsafe { asm!("msr daifset, #3", options(nostack, preserves_flags)) };
}

/// A full system barrier plus an instruction barrier: earlier accesses complete before later
/// ones start.
pub fn barrier() {
    // SAFETY: barriers only.
    unsafe { asm!("dsb sy", "isb", options(nostack, preserves_flags)) };
}

/// Records this CPU's index (discovery order, 0 = boot CPU) in TPIDR_EL1, where [`cpu_index`]
/// finds it. TPIDR_EL1 is software's own (also accessible at EL2), and nothing else uses it.
pub fn set_cpu_index(index: u8) {
    // SAFETY: TPIDR_EL1 has no architectural effect; only this guest reads it.
    unsafe {
        asm!("msr tpidr_el1, {v}", v = in(reg) u64::from(index), options(nostack, preserves_flags))
    };
}

/// The value [`set_cpu_index`] stored on this CPU.
pub fn cpu_index() -> u64 {
    mrs!("tpidr_el1")
}

/// MPIDR_EL1: this CPU's affinity (Aff3 in bits 39:32, Aff2-0 in bits 23:0).
pub fn mpidr() -> u64 {
    mrs!("mpidr_el1")
}

/// `wfe`: waits for an event (a `sev` from another CPU, or anything implementation defined).
/// May return at once; callers re-check their condition.
pub fn wait_for_event() {
    // SAFETY: a hint; no memory or register effect.
    unsafe { asm!("wfe", options(nomem, nostack, preserves_flags)) };
}

/// `dsb ish; sev`: completes this CPU's earlier stores, then wakes every CPU waiting in `wfe`.
pub fn send_event() {
    // SAFETY: a barrier and a hint.
    unsafe { asm!("dsb ish", "sev", options(nostack, preserves_flags)) };
}

/// `yield`: tells a multithreaded core or an emulator (QEMU's round-robin TCG) that this CPU is
/// spinning, so others may run.
pub fn yield_cpu() {
    // SAFETY: a hint.
    unsafe { asm!("yield", options(nomem, nostack, preserves_flags)) };
}

/// The guest's [`guest_runtime::Cpu`]: the runtime's barriers, wake-ups and clock, with the
/// instructions above (the clock is the virtual counter, in ticks).
pub enum Arch {}

impl guest_runtime::Cpu for Arch {
    fn index() -> usize {
        crate::smp::this_cpu()
    }
    fn barrier() {
        barrier();
    }
    fn wake() {
        send_event();
    }
    fn idle() {
        wait_for_event();
    }
    fn relax() {
        yield_cpu();
    }
    fn now() -> u64 {
        counter()
    }
}
