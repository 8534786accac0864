//! Per-CPU set-up (descriptor tables, the per-CPU block found through GS) and the few
//! instructions the guest uses directly: CPUID, RDTSC, port I/O, RFLAGS.IF.
//!
//! Every CPU loads the one GDT, with a TSS descriptor of its own (SDM vol. 3 §8.2.3: a 64-bit
//! TSS is what `ltr` needs; a CPU whose TR is null has no valid TSS for any stack switch), and
//! the one IDT ([`crate::traps`]). The TSS's IST1 is the CPU's double-fault stack: a #DF is
//! taken on a known-good stack (SDM vol. 3 §6.14.5), so a fault that broke the stack is
//! reported instead of ending the machine in a triple fault. GS base points at the CPU's [`PerCpu`], so `gs:[0]` is its
//! index on every CPU without an MSR read.

use core::arch::asm;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicUsize};

use x86_64::VirtAddr;
use x86_64::instructions::segmentation::{CS, DS, ES, SS, Segment};
use x86_64::instructions::tables::load_tss;
use x86_64::registers::model_specific::Msr;
use x86_64::structures::gdt::{Descriptor, GlobalDescriptorTable, SegmentSelector};
use x86_64::structures::tss::TaskStateSegment;

use crate::once::SetOnce;
use crate::traps;

/// The most CPUs the guest starts.
pub const MAX_CPUS: usize = 8;
/// IA32_GS_BASE.
const IA32_GS_BASE: u32 = 0xc000_0101;

/// One CPU's state that the trap handlers use. `#[repr(C)]`, index first: read as `gs:[0]`.
#[repr(C, align(64))]
pub struct PerCpu {
    /// The CPU's index (discovery order, 0 = boot CPU).
    pub index: usize,
    /// A guarded access is in progress ([`traps::guarded`]): the length in bytes of the one
    /// instruction it makes (0: none).
    pub guard_len: AtomicU8,
    /// The guarded access raised an exception: vector + 1 (0: none).
    pub guard_vector: AtomicU8,
    /// The error code of that exception.
    pub guard_error: AtomicU32,
    /// Vectors taken in the open interrupt window ([`traps::window`]).
    pub taken: [AtomicU8; guest_kit::vector::MAX_TAKEN],
    /// How many of `taken` are filled (may exceed its length in a storm).
    pub taken_count: AtomicUsize,
    /// An interrupt window is open ([`traps::window`]).
    pub in_window: AtomicBool,
    /// NMIs taken outside a window, for the next window to report first.
    pub nmis_outside_window: AtomicU8,
    /// Exception handlers running on this CPU (an exception in one is not survivable).
    pub depth: AtomicU32,
}

impl PerCpu {
    const fn new(index: usize) -> PerCpu {
        PerCpu {
            index,
            guard_len: AtomicU8::new(0),
            guard_vector: AtomicU8::new(0),
            guard_error: AtomicU32::new(0),
            taken: [const { AtomicU8::new(0) }; guest_kit::vector::MAX_TAKEN],
            taken_count: AtomicUsize::new(0),
            in_window: AtomicBool::new(false),
            nmis_outside_window: AtomicU8::new(0),
            depth: AtomicU32::new(0),
        }
    }
}

/// Forgets the NMIs no window reported, on every CPU: a case sees only its own (the runner's
/// reset between cases).
pub fn forget_nmis() {
    for cpu in &PER_CPU {
        cpu.nmis_outside_window
            .store(0, core::sync::atomic::Ordering::SeqCst);
    }
}

static PER_CPU: [PerCpu; MAX_CPUS] = {
    let mut all = [const { PerCpu::new(0) }; MAX_CPUS];
    let mut i = 0;
    while i < MAX_CPUS {
        all[i].index = i;
        i += 1;
    }
    all
};

/// The calling CPU's block.
pub fn this() -> &'static PerCpu {
    &PER_CPU[this_cpu()]
}

/// The calling CPU's index, from `gs:[0]` ([`PerCpu::index`]).
pub fn this_cpu() -> usize {
    let index: usize;
    // SAFETY: GS base points at this CPU's `PerCpu` (set by `init_cpu` before anything calls
    // this), whose first field is the index; the load has no side effect.
    unsafe { asm!("mov {}, gs:[0]", out(reg) index, options(nostack, readonly, preserves_flags)) };
    index.min(MAX_CPUS - 1)
}

/// Bytes of each CPU's double-fault stack.
const DOUBLE_FAULT_STACK_BYTES: usize = 8192;

/// The interrupt stack table slot (IST1) of the double-fault stack; `traps` points #DF at it.
pub const DOUBLE_FAULT_IST_INDEX: u16 = 0;

/// One CPU's double-fault stack: written by the CPU when it takes a #DF, never by Rust code.
#[repr(C, align(16))]
struct DoubleFaultStack(UnsafeCell<[u8; DOUBLE_FAULT_STACK_BYTES]>);

// SAFETY: only the CPU it belongs to uses a stack, as its #DF stack; Rust code takes its address
// only.
unsafe impl Sync for DoubleFaultStack {}

static DOUBLE_FAULT_STACKS: [DoubleFaultStack; MAX_CPUS] =
    [const { DoubleFaultStack(UnsafeCell::new([0; DOUBLE_FAULT_STACK_BYTES])) }; MAX_CPUS];

/// The TSSs, one per CPU: no privilege-level stacks (the guest runs at CPL 0), IST1 the CPU's
/// double-fault stack. Built once by the boot CPU.
static TSS: SetOnce<[TaskStateSegment; MAX_CPUS]> = SetOnce::new();

fn task_state_segments() -> [TaskStateSegment; MAX_CPUS] {
    core::array::from_fn(|i| {
        let mut tss = TaskStateSegment::new();
        let base = VirtAddr::from_ptr(DOUBLE_FAULT_STACKS[i].0.get());
        tss.interrupt_stack_table[usize::from(DOUBLE_FAULT_IST_INDEX)] =
            base + DOUBLE_FAULT_STACK_BYTES as u64;
        tss
    })
}

/// The GDT: null, code, data, then one 16-byte TSS descriptor per CPU.
struct Gdt {
    table: GlobalDescriptorTable<{ 3 + 2 * MAX_CPUS }>,
    code: SegmentSelector,
    data: SegmentSelector,
    tss: [SegmentSelector; MAX_CPUS],
}

/// Built once by the boot CPU ([`init_boot_cpu`]) before any other CPU starts.
static GDT: SetOnce<Gdt> = SetOnce::new();

/// The boot CPU's set-up: builds the GDT and IDT, then [`init_cpu`] for CPU 0.
pub fn init_boot_cpu() {
    let mut table = GlobalDescriptorTable::empty();
    let code = table.append(Descriptor::kernel_code_segment());
    let data = table.append(Descriptor::kernel_data_segment());
    let Some(segments) = TSS.set(task_state_segments()) else {
        return;
    };
    let tss = core::array::from_fn(|i| table.append(Descriptor::tss_segment(&segments[i])));
    GDT.set(Gdt {
        table,
        code,
        data,
        tss,
    });
    init_cpu(0);
    traps::build_idt();
    traps::load_idt();
}

/// Loads the GDT, this CPU's TSS and data segments, points GS at its [`PerCpu`]. Runs on the CPU
/// it sets up (index `cpu`), the boot CPU first.
pub fn init_cpu(cpu: usize) {
    let Some(gdt) = GDT.get() else {
        return;
    };
    gdt.table.load();
    // SAFETY: `code` and `data` are the flat 64-bit code and data descriptors of the GDT just
    // loaded; reloading CS/DS/ES/SS with them keeps the flat address space the code runs in.
    unsafe {
        CS::set_reg(gdt.code);
        DS::set_reg(gdt.data);
        ES::set_reg(gdt.data);
        SS::set_reg(gdt.data);
    }
    // SAFETY: `tss[cpu]` is this CPU's own TSS descriptor (each CPU loads a different one, once,
    // so none is busy); the TSS is static.
    unsafe { load_tss(gdt.tss[cpu.min(MAX_CPUS - 1)]) };
    let per_cpu = &PER_CPU[cpu.min(MAX_CPUS - 1)] as *const PerCpu as u64;
    // SAFETY: IA32_GS_BASE only changes where `gs:` accesses go; only `this_cpu` uses GS.
    unsafe { Msr::new(IA32_GS_BASE).write(per_cpu) };
    traps::load_idt();
}

/// CPUID leaf `leaf`, subleaf 0: (eax, ebx, ecx, edx).
pub fn cpuid(leaf: u32) -> (u32, u32, u32, u32) {
    let r = core::arch::x86_64::__cpuid_count(leaf, 0);
    (r.eax, r.ebx, r.ecx, r.edx)
}

/// CPUID.01H:ECX\[21\]: x2APIC supported.
pub fn has_x2apic() -> bool {
    cpuid(1).2 >> 21 & 1 == 1
}

/// Whether the local APIC timer has TSC-deadline mode (CPUID.01H:ECX[24]).
pub fn has_tsc_deadline() -> bool {
    cpuid(1).2 >> 24 & 1 == 1
}

/// The time-stamp counter.
pub fn rdtsc() -> u64 {
    // SAFETY: RDTSC reads a counter; CR4.TSD is clear at CPL 0 anyway.
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// `in al, dx`.
pub fn inb(port: u16) -> u8 {
    let value: u8;
    // SAFETY: port reads of the devices the guest drives (COM1, the PM timer); no memory access.
    unsafe {
        asm!("in al, dx", in("dx") port, out("al") value, options(nomem, nostack, preserves_flags))
    };
    value
}

/// `out dx, al`.
pub fn outb(port: u16, value: u8) {
    // SAFETY: port writes to the devices the guest drives (COM1, PM1a control, isa-debug-exit).
    unsafe {
        asm!("out dx, al", in("dx") port, in("al") value, options(nomem, nostack, preserves_flags))
    };
}

/// `rep outsb`: `bytes` to `port`, one after another, in one instruction (under a hypervisor
/// one exit for the string rather than one per byte; SDM vol. 2, OUTS).
pub fn outsb(port: u16, bytes: &[u8]) {
    // SAFETY: reads `bytes.len()` bytes from `bytes` (RSI, counted by RCX, forward: the
    // direction flag is clear in Rust code) and writes them to a device port the guest drives.
    unsafe {
        asm!(
            "rep outsb",
            in("dx") port,
            inout("rsi") bytes.as_ptr() => _,
            inout("rcx") bytes.len() => _,
            options(nostack, preserves_flags, readonly)
        )
    };
}

/// `out dx, ax`.
pub fn outw(port: u16, value: u16) {
    // SAFETY: as `outb` (PM1a control is a 16-bit register).
    unsafe {
        asm!("out dx, ax", in("dx") port, in("ax") value, options(nomem, nostack, preserves_flags))
    };
}

/// `in eax, dx`.
pub fn inl(port: u16) -> u32 {
    let value: u32;
    // SAFETY: as `inb` (the ACPI PM timer is a 32-bit port).
    unsafe {
        asm!("in eax, dx", in("dx") port, out("eax") value, options(nomem, nostack, preserves_flags))
    };
    value
}

/// `out dx, eax`.
pub fn outl(port: u16, value: u32) {
    // SAFETY: as `outb` (isa-debug-exit takes a 32-bit write).
    unsafe {
        asm!("out dx, eax", in("dx") port, in("eax") value, options(nomem, nostack, preserves_flags))
    };
}

/// A full barrier: earlier loads and stores (MMIO included) complete first.
pub fn barrier() {
    // SAFETY: MFENCE only orders memory accesses.
    unsafe { asm!("mfence", options(nostack, preserves_flags)) };
}

/// `cli` then `hlt` forever.
pub fn halt() -> ! {
    loop {
        // SAFETY: stops this CPU with interrupts disabled; nothing is expected to resume it.
        unsafe { asm!("cli", "hlt", options(nomem, nostack)) };
    }
}

/// The guest's [`guest_runtime::Cpu`]: the runtime's barriers and clock (microseconds, from the
/// calibrated TSC). Waiting CPUs spin, so there is nothing to wake.
pub enum Arch {}

impl guest_runtime::Cpu for Arch {
    fn index() -> usize {
        this_cpu()
    }
    fn barrier() {
        barrier();
    }
    fn wake() {}
    fn idle() {
        core::hint::spin_loop();
    }
    fn relax() {
        core::hint::spin_loop();
    }
    fn now() -> u64 {
        crate::time::now_us()
    }
}
