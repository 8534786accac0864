//! The IDT and what happens on every vector.
//!
//! - **Stubs** (`global_asm!`, one per vector, 16 bytes apart from `isr_stubs`): push a zero
//!   error code where the CPU pushes none (SDM vol. 3 §6.15), push the vector, jump to
//!   [`isr_common`], a naked trampoline that saves the general registers, calls [`trap`] (an
//!   `extern "C"` function) with a pointer to the [`Frame`], restores them and `iretq`s. Stable
//!   Rust has no `extern "x86-interrupt"`, so this is the whole interrupt ABI.
//! - **Exceptions (0-31)** taken during a [`guarded`] access (RDMSR, WRMSR, one MMIO `mov`) are
//!   remembered for the access, which returns them as a `Fault::X86`; the handler resumes after
//!   the faulting instruction, whose length the access knows. Any other exception is reported as
//!   an `xexc` record (vector, error code, RIP); traps (#DB, #BP, #OF) and NMIs resume, a fault
//!   cannot (its instruction would fault again), so the guest says so and exits: the host
//!   reboots it after that case.
//! - **A double fault** runs on the CPU's own double-fault stack (IST1), so even one caused by
//!   a broken stack is reported (a `log` line with CR2 and the RSP, then the `xexc` record)
//!   instead of the machine ending in a triple fault; the run ends.
//! - **An NMI** (vector 2) is a delivery wherever it arrives, never an exception of the code it
//!   interrupted: RFLAGS.IF does not hold it back (SDM vol. 3 §6.8.1), so one sent to a CPU
//!   outside a window is taken at once, counted, and reported first by that CPU's next window;
//!   one that arrives in a window joins its list as it comes.
//! - **Vectors 1-31 arriving inside a window** without a guarded access and without an error
//!   code are deliveries, not exceptions of the window's own code (a spin on the TSC cannot
//!   raise #BP): an NMI, or an illegal vector (0-15) a local APIC delivered anyway instead of
//!   rejecting it (SDM vol. 3 §11.5.2). They join the window's list like any vector, so the
//!   host's replay names them against the model rather than the run dying on an "exception".
//!   So is an exception in a window whose error code has the IDT bit set (SDM vol. 3 §6.13):
//!   delivering an interrupt faulted (a gate the hypervisor should never have used), the
//!   window's code did nothing wrong and resumes.
//! - **Interrupts (32-255)** are appended to the CPU's window list ([`window`]) and return
//!   without an EOI: the case EOIs (the x86 seam, "interrupt delivery is an observation").
//!   Interrupt gates clear RFLAGS.IF, so a handler is never interrupted; a higher-priority vector
//!   is taken right after the `iretq` re-enables interrupts, still inside the window.

use core::arch::{global_asm, naked_asm};
use core::sync::atomic::Ordering;

use guest_kit::protocol::Record;
use guest_kit::{Fault, Observation, Taken, Vector};
use x86_64::VirtAddr;
use x86_64::structures::idt::InterruptDescriptorTable;

use crate::once::SetOnce;
use crate::{console, cpu, exit, time};

/// The bytes between two stubs.
const STUB_STRIDE: u64 = 16;
/// How long a window waits for the first vector.
const WINDOW_TIMEOUT_US: u64 = 20_000;
/// How long a window stays open after the first vector, for deliveries that follow it (a
/// higher-priority vector that arrives while the first is in service).
const WINDOW_SETTLE_US: u64 = 200;

/// The registers [`isr_common`] saves, then what the stub and the CPU pushed.
#[repr(C)]
pub struct Frame {
    r15: u64,
    r14: u64,
    r13: u64,
    r12: u64,
    r11: u64,
    r10: u64,
    r9: u64,
    r8: u64,
    rbp: u64,
    rdi: u64,
    rsi: u64,
    rdx: u64,
    rcx: u64,
    rbx: u64,
    rax: u64,
    vector: u64,
    error_code: u64,
    rip: u64,
    cs: u64,
    rflags: u64,
    rsp: u64,
    ss: u64,
}

global_asm!(
    ".pushsection .text.isr, \"ax\"",
    ".balign 16",
    ".global isr_stubs",
    "isr_stubs:",
    ".set isr_vec, 0",
    ".rept 256",
    ".balign 16",
    ".if (isr_vec == 8) || ((isr_vec >= 10) && (isr_vec <= 14)) || (isr_vec == 17) || (isr_vec == 21) || (isr_vec == 29) || (isr_vec == 30)",
    ".else",
    "pushq $0",
    ".endif",
    "pushq $isr_vec",
    "jmp isr_common",
    ".set isr_vec, isr_vec + 1",
    ".endr",
    ".popsection",
    options(att_syntax)
);

/// Saves the general registers, calls [`trap`] with the frame, restores them, drops the vector
/// and error code, returns from the interrupt. The stack is 16-byte aligned at the call: the CPU
/// aligns RSP before pushing its 5-word frame (SDM vol. 3 §6.14.2), the stub adds 2 words and
/// this 15.
#[unsafe(naked)]
#[unsafe(no_mangle)]
unsafe extern "C" fn isr_common() {
    naked_asm!(
        "push rax",
        "push rbx",
        "push rcx",
        "push rdx",
        "push rsi",
        "push rdi",
        "push rbp",
        "push r8",
        "push r9",
        "push r10",
        "push r11",
        "push r12",
        "push r13",
        "push r14",
        "push r15",
        "mov rdi, rsp",
        "cld",
        "call {trap}",
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop r11",
        "pop r10",
        "pop r9",
        "pop r8",
        "pop rbp",
        "pop rdi",
        "pop rsi",
        "pop rdx",
        "pop rcx",
        "pop rbx",
        "pop rax",
        "add rsp, 16",
        "iretq",
        trap = sym trap,
    );
}

unsafe extern "C" {
    /// The first stub; stub `n` is at `isr_stubs + 16 * n`.
    static isr_stubs: u8;
}

/// The IDT, built once by the boot CPU before other CPUs start; then only read (loaded).
static IDT: SetOnce<InterruptDescriptorTable> = SetOnce::new();

/// Points every IDT entry at its stub (interrupt gates: IF cleared on entry, DPL 0; no IST but
/// for #DF, which runs on the CPU's double-fault stack, [`cpu::DOUBLE_FAULT_IST_INDEX`]).
/// The reserved vectors (15, 22-27, 31) stay not present: nothing raises them.
pub fn build_idt() {
    let stubs = &raw const isr_stubs as u64;
    let at = |v: u64| VirtAddr::new(stubs + STUB_STRIDE * v);
    let mut idt = InterruptDescriptorTable::new();
    // SAFETY: every address is a stub that matches the entry's kind (it pushes a dummy error
    // code exactly when the CPU does not) and returns with `iretq`; the current CS is the 64-bit
    // code segment of our GDT, which the entries take.
    unsafe {
        for v in [0u8, 1, 2, 3, 4, 5, 6, 7, 9, 16, 19, 20, 28] {
            idt[v].set_handler_addr(at(v.into()));
        }
        // The stack index names IST1, which `cpu` fills with each CPU's own double-fault stack
        // before any CPU loads this IDT; no other entry uses it.
        idt.double_fault
            .set_handler_addr(at(8))
            .set_stack_index(cpu::DOUBLE_FAULT_IST_INDEX);
        idt.invalid_tss.set_handler_addr(at(10));
        idt.segment_not_present.set_handler_addr(at(11));
        idt.stack_segment_fault.set_handler_addr(at(12));
        idt.general_protection_fault.set_handler_addr(at(13));
        idt.page_fault.set_handler_addr(at(14));
        idt.alignment_check.set_handler_addr(at(17));
        idt.machine_check.set_handler_addr(at(18));
        idt.cp_protection_exception.set_handler_addr(at(21));
        idt.vmm_communication_exception.set_handler_addr(at(29));
        idt.security_exception.set_handler_addr(at(30));
        for v in 32..=255u8 {
            idt[v].set_handler_addr(at(v.into()));
        }
    }
    IDT.set(idt);
}

/// Loads the IDT on the calling CPU (once [`build_idt`] has run).
pub fn load_idt() {
    if let Some(idt) = IDT.get() {
        idt.load();
    }
}

/// Every vector lands here, on the CPU that took it, with interrupts disabled.
extern "C" fn trap(frame: &mut Frame) {
    let me = cpu::this();
    let vector = Vector::new(frame.vector as u8);
    if vector == Vector::NMI {
        // A delivery, never the fault of an access; RFLAGS.IF does not hold it back.
        match me.in_window.load(Ordering::SeqCst) {
            true => record_taken(me, vector),
            false => {
                me.nmis_outside_window.fetch_add(1, Ordering::SeqCst);
            }
        }
        return;
    }
    // An error code with its IDT bit set names the gate whose use faulted (SDM vol. 3 §6.13):
    // the exception arose delivering an interrupt, not from the interrupted instruction.
    let failed_delivery = vector.has_error_code() && frame.error_code & ERROR_CODE_IDT != 0;
    let delivered_in_window = vector.is_exception()
        && (!vector.has_error_code() || failed_delivery)
        && me.in_window.load(Ordering::SeqCst)
        && me.guard_len.load(Ordering::SeqCst) == 0;
    if !vector.is_exception() || delivered_in_window {
        record_taken(me, vector);
        return;
    }
    if vector == Vector::DOUBLE_FAULT {
        double_fault(frame);
    }
    if me.depth.fetch_add(1, Ordering::SeqCst) > 0 {
        // An exception inside an exception handler: nothing sane to return to.
        exit::fail();
    }
    let len = me.guard_len.load(Ordering::SeqCst);
    if len != 0 && me.guard_vector.load(Ordering::SeqCst) == 0 {
        me.guard_error
            .store(frame.error_code as u32, Ordering::SeqCst);
        me.guard_vector.store(vector.raw() + 1, Ordering::SeqCst);
        frame.rip += u64::from(len);
    } else {
        console::emit(&Record::Obs(Observation::X86Exception {
            vector,
            error_code: frame.error_code as u32,
            rip: frame.rip,
        }));
        // #DB, #BP and #OF are traps (RIP is past the instruction already) and an NMI returns
        // to the instruction it interrupted: those resume.
        if !matches!(vector.raw(), 1..=4) {
            console::emit(&Record::Log(
                "unexpected fault: its instruction cannot be resumed, exiting",
            ));
            exit::fail();
        }
    }
    me.depth.fetch_sub(1, Ordering::SeqCst);
}

/// Error code bit 1, IDT: the index refers to a gate descriptor in the IDT (SDM vol. 3 §6.13).
const ERROR_CODE_IDT: u64 = 1 << 1;

/// Appends `vector` to the CPU's list of vectors taken in this window.
fn record_taken(me: &cpu::PerCpu, vector: Vector) {
    let n = me.taken_count.fetch_add(1, Ordering::SeqCst);
    if let Some(slot) = me.taken.get(n) {
        slot.store(vector.raw(), Ordering::SeqCst);
    }
}

/// A double fault, taken on the CPU's own double-fault stack whatever state its stack was in:
/// reported with what is known, then the run ends (a #DF is an abort: SDM vol. 3 §6.15,
/// interrupt 8, the saved RIP is undefined). CR2 holds the address of the last page fault, the
/// usual first of the two faults; RSP is the stack the CPU was on.
fn double_fault(frame: &Frame) -> ! {
    let cr2 = x86_64::registers::control::Cr2::read_raw();
    // The xexc record that follows carries the (undefined) RIP and the error code.
    console::log(format_args!(
        "double fault: cr2 {cr2:#x}, rsp {:#x}",
        frame.rsp
    ));
    console::emit(&Record::Obs(Observation::X86Exception {
        vector: Vector::DOUBLE_FAULT,
        error_code: frame.error_code as u32,
        rip: frame.rip,
    }));
    exit::fail()
}

/// Runs `access`, one instruction of `len` bytes (RDMSR, WRMSR, one MMIO `mov`), and returns the
/// exception it raised as a [`Fault::X86`] (the handler resumes after the instruction).
pub fn guarded<T>(len: u8, access: impl FnOnce() -> T) -> Result<T, Fault> {
    let me = cpu::this();
    me.guard_vector.store(0, Ordering::SeqCst);
    me.guard_len.store(len, Ordering::SeqCst);
    let value = access();
    me.guard_len.store(0, Ordering::SeqCst);
    match me.guard_vector.load(Ordering::SeqCst) {
        0 => Ok(value),
        v => Err(Fault::X86 {
            vector: Vector::new(v - 1),
            error_code: me.guard_error.load(Ordering::SeqCst),
        }),
    }
}

/// An interrupt window on the calling CPU (the x86 seam): `sti`, wait until a vector was taken
/// or [`WINDOW_TIMEOUT_US`] passed, keep the window open [`WINDOW_SETTLE_US`] more after the
/// first vector, `cli`; the vectors taken, in order.
pub fn window() -> Taken {
    let me = cpu::this();
    me.taken_count.store(0, Ordering::SeqCst);
    let start = time::now_us();
    me.in_window.store(true, Ordering::SeqCst);
    // NMIs taken since the last window come first: they arrived before anything it takes.
    for _ in 0..me.nmis_outside_window.swap(0, Ordering::SeqCst) {
        record_taken(me, Vector::NMI);
    }
    x86_64::instructions::interrupts::enable();
    while me.taken_count.load(Ordering::SeqCst) == 0
        && time::now_us().wrapping_sub(start) < WINDOW_TIMEOUT_US
    {
        core::hint::spin_loop();
    }
    if me.taken_count.load(Ordering::SeqCst) != 0 {
        let first = time::now_us();
        while time::now_us().wrapping_sub(first) < WINDOW_SETTLE_US {
            core::hint::spin_loop();
        }
    }
    x86_64::instructions::interrupts::disable();
    me.in_window.store(false, Ordering::SeqCst);
    let count = me.taken_count.load(Ordering::SeqCst);
    let mut taken = Taken::default();
    for slot in me.taken.iter().take(count) {
        taken.push(Vector::new(slot.load(Ordering::SeqCst)));
    }
    taken
}
