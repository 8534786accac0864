//! Application processors: bring-up at boot with INIT-SIPI-SIPI ([`start_secondaries`]) and the
//! mailboxes through which the CPU running a case runs code on another ([`run_on`], behind
//! `GuestPlatform::on_cpu`), the same scheme as the aarch64 guest's.
//!
//! Bring-up (Intel SDM vol. 3 §9.4.4.1, the MP initialization protocol; §11.6.1 for the ICR):
//! the real-mode trampoline below is copied to [`TRAMPOLINE`] (below 1 MiB, 4 KiB aligned: the
//! SIPI vector is its page number), the boot CPU writes CR3, the stack, the CPU index and the
//! entry point into the copy, then sends INIT, waits 10 ms, sends a Start-up IPI, waits 200 µs
//! and sends a second one. The AP goes real mode → protected mode → long mode on the boot CPU's
//! page tables and calls [`secondary_main`], which loads its GDT/TSS/IDT ([`cpu::init_cpu`]),
//! reports itself online and serves its mailbox. APs are started one at a time (they share the
//! trampoline's data).
//!
//! The mailboxes themselves ([`guest_runtime::mailbox`]) are shared with the aarch64 guest; here
//! is what is x86's: waiting CPUs spin (no event to send), the clock is the TSC in microseconds,
//! and a job that overruns ends the run through [`exit`].

use core::arch::global_asm;

use guest_kit::regs::lapic::{self, DeliveryMode, Icr, Shorthand};
use guest_kit::{CpuOffline, Platform, Width};
use guest_runtime::mailbox::{JobLimits, Mailboxes, NotRun};

use crate::acpi::Machine;
use crate::console::log;
use crate::cpu::{self, Arch, MAX_CPUS};
use crate::once::SetOnce;
use crate::platform::GuestPlatform;
use crate::pvh::StartInfo;
use crate::{exit, mmio, time};

/// Where the trampoline is copied: page 8, so the SIPI vector is 0x08.
const TRAMPOLINE: u64 = 0x8000;
/// Bytes of stack for each application processor.
const STACK_BYTES: usize = 16 * 1024;
/// How long the boot CPU waits for an AP to come online after the SIPIs.
const ONLINE_TIMEOUT_US: u64 = 1_000_000;
/// How long a posted job may wait for its CPU to take it.
const PICKUP_TIMEOUT_US: u64 = 1_000_000;
/// How long a job may run before the guest gives up (see [`run_on`]).
const RUN_TIMEOUT_US: u64 = 5_000_000;

global_asm!(
    ".pushsection .text.ap_trampoline, \"ax\"",
    ".code16",
    ".global ap_tramp_start",
    "ap_tramp_start:",
    "cli",
    "cld",
    "xorw %ax, %ax",
    "movw %ax, %ds",
    "lgdtl (tramp_gdtr - ap_tramp_start + {base})",
    "movl %cr0, %eax",
    "orl $1, %eax",
    "movl %eax, %cr0",
    "ljmpl $0x08, $(tramp32 - ap_tramp_start + {base})",
    ".code32",
    "tramp32:",
    "movw $0x10, %ax",
    "movw %ax, %ds",
    "movw %ax, %es",
    "movw %ax, %ss",
    "movl %cr4, %eax",
    "orl $0x20, %eax",
    "movl %eax, %cr4",
    "movl (ap_tramp_cr3 - ap_tramp_start + {base}), %eax",
    "movl %eax, %cr3",
    "movl $0xc0000080, %ecx",
    "rdmsr",
    "orl $0x100, %eax",
    "wrmsr",
    "movl %cr0, %eax",
    "orl $0x80000000, %eax",
    "movl %eax, %cr0",
    "ljmpl $0x18, $(tramp64 - ap_tramp_start + {base})",
    ".code64",
    "tramp64:",
    "movw $0x10, %ax",
    "movw %ax, %ds",
    "movw %ax, %es",
    "movw %ax, %ss",
    "movq (ap_tramp_stack - ap_tramp_start + {base}), %rsp",
    "movq (ap_tramp_cpu - ap_tramp_start + {base}), %rdi",
    "movq (ap_tramp_entry - ap_tramp_start + {base}), %rax",
    "jmpq *%rax",
    ".balign 8",
    "tramp_gdt:",
    ".quad 0",
    ".quad 0x00cf9a000000ffff", // 0x08: 32-bit code
    ".quad 0x00cf92000000ffff", // 0x10: data
    ".quad 0x00af9a000000ffff", // 0x18: 64-bit code
    "tramp_gdtr:",
    ".word 31",
    ".long tramp_gdt - ap_tramp_start + {base}",
    ".balign 8",
    ".global ap_tramp_cr3",
    "ap_tramp_cr3: .quad 0",
    ".global ap_tramp_stack",
    "ap_tramp_stack: .quad 0",
    ".global ap_tramp_cpu",
    "ap_tramp_cpu: .quad 0",
    ".global ap_tramp_entry",
    "ap_tramp_entry: .quad 0",
    ".global ap_tramp_end",
    "ap_tramp_end:",
    ".popsection",
    base = const TRAMPOLINE,
    options(att_syntax)
);

unsafe extern "C" {
    static ap_tramp_start: u8;
    static ap_tramp_end: u8;
    static ap_tramp_cr3: u8;
    static ap_tramp_stack: u8;
    static ap_tramp_cpu: u8;
    static ap_tramp_entry: u8;
}

/// The APs' stacks: CPU `n` uses entry `n - 1`.
#[repr(C, align(16))]
struct Stack([u8; STACK_BYTES]);

static mut STACKS: [Stack; MAX_CPUS - 1] = [const { Stack([0; STACK_BYTES]) }; MAX_CPUS - 1];

/// One mailbox per CPU; jobs get the CPU's platform.
static MAILBOXES: Mailboxes<Arch, GuestPlatform, MAX_CPUS> = Mailboxes::new();

/// The view of the platform every AP serves with (set before the first AP starts).
static VIEW: SetOnce<GuestPlatform> = SetOnce::new();

/// The offset of trampoline symbol `sym` in the copy.
fn tramp_field(sym: *const u8) -> u64 {
    TRAMPOLINE + (sym as u64 - (&raw const ap_tramp_start) as u64)
}

/// Starts every enabled CPU the MADT lists after the boot CPU (CPU 0 is the boot CPU: the
/// runner put its APIC ID first), one at a time.
pub fn start_secondaries(machine: &Machine, platform: &GuestPlatform, start: &StartInfo) {
    if machine.cpus > 1 && start.is_ram(TRAMPOLINE, TRAMPOLINE + 0x1000) == Some(false) {
        log(format_args!(
            "{TRAMPOLINE:#x} is not RAM in the PVH memory map: other cpus not started"
        ));
        return;
    }
    if machine.cpus_listed > MAX_CPUS {
        log(format_args!(
            "{} cpus listed: cpus {MAX_CPUS} and up are not started",
            machine.cpus_listed
        ));
    }
    VIEW.set(*platform);
    let start = (&raw const ap_tramp_start) as u64;
    let len = (&raw const ap_tramp_end) as u64 - start;
    // SAFETY: copies the trampoline (code and data, position-independent but for the TRAMPOLINE
    // base it is assembled for) to page 8, RAM below 1 MiB that the PVH loaders leave free and
    // nothing of the guest uses; identity mapped.
    unsafe {
        core::ptr::copy_nonoverlapping(start as *const u8, TRAMPOLINE as *mut u8, len as usize)
    };
    let cr3 = x86_64::registers::control::Cr3::read_raw()
        .0
        .start_address()
        .as_u64();
    let entry = secondary_main as *const () as u64;
    for (index, &apic_id) in machine
        .apic_ids
        .iter()
        .enumerate()
        .take(machine.cpus)
        .skip(1)
    {
        // SAFETY: entry `index - 1` of STACKS is this AP's alone; the trampoline's data words in
        // the copy are written while no AP runs the trampoline (APs start one at a time).
        unsafe {
            let stack = (&raw mut STACKS).cast::<Stack>().add(index - 1);
            let top = stack as u64 + STACK_BYTES as u64;
            core::ptr::write_volatile(tramp_field(&raw const ap_tramp_cr3) as *mut u64, cr3);
            core::ptr::write_volatile(tramp_field(&raw const ap_tramp_stack) as *mut u64, top);
            core::ptr::write_volatile(
                tramp_field(&raw const ap_tramp_cpu) as *mut u64,
                index as u64,
            );
            core::ptr::write_volatile(tramp_field(&raw const ap_tramp_entry) as *mut u64, entry);
        }
        cpu::barrier();
        if apic_id > 0xff {
            log(format_args!(
                "cpu {index} offline: x2APIC ID {apic_id:#x} needs x2APIC-mode IPIs"
            ));
            continue;
        }
        let lapic = platform.lapic_base();
        send_ipi(
            lapic,
            Icr::xapic(DeliveryMode::Init, 0, Shorthand::None, apic_id as u8),
        );
        time::delay_us(10_000);
        let sipi = Icr::xapic(
            DeliveryMode::StartUp,
            (TRAMPOLINE >> 12) as u8,
            Shorthand::None,
            apic_id as u8,
        );
        send_ipi(lapic, sipi);
        time::delay_us(200);
        if MAILBOXES.is_offline(index) {
            send_ipi(lapic, sipi);
        }
        wait_online(index);
    }
}

/// Writes ICR_HIGH then ICR_LOW of the xAPIC at `lapic` and waits (bounded) for the delivery
/// status to clear.
fn send_ipi(lapic: u64, icr: Icr) {
    // SAFETY: ICR_HIGH and ICR_LOW of the local APIC page from the MADT, mapped uncached.
    unsafe {
        mmio::write(
            lapic + u64::from(lapic::ICR_HIGH),
            Width::B32,
            icr.high().into(),
        );
        mmio::write(
            lapic + u64::from(lapic::ICR_LOW),
            Width::B32,
            icr.low().into(),
        );
    }
    for _ in 0..100_000 {
        // SAFETY: as above; reading ICR_LOW has no side effect.
        let low = unsafe { mmio::read(lapic + u64::from(lapic::ICR_LOW), Width::B32) } as u32;
        if low & Icr::SEND_PENDING == 0 {
            break;
        }
        core::hint::spin_loop();
    }
}

/// Waits for CPU `index` to report online; gives up on it after [`ONLINE_TIMEOUT_US`].
fn wait_online(index: usize) {
    if MAILBOXES
        .wait_online(index, time::now_us(), ONLINE_TIMEOUT_US)
        .is_err()
    {
        log(format_args!(
            "cpu {index} offline: not online {ONLINE_TIMEOUT_US} us after INIT-SIPI-SIPI"
        ));
    }
}

/// An AP's first Rust code (from the trampoline, on its own stack): set up, go online, serve.
extern "C" fn secondary_main(index: u64) -> ! {
    let index = index as usize;
    cpu::init_cpu(index);
    let Some(&view) = VIEW.get() else {
        park();
    };
    let mut platform = view;
    let index = index.min(MAX_CPUS - 1);
    if MAILBOXES.go_online(index).is_err() {
        park();
    }
    MAILBOXES.serve(index, &mut platform)
}

/// Runs `f` on CPU `cpu` (not the caller) through its mailbox and waits for it to finish.
/// `Err(CpuOffline)` when the CPU is not online or does not take the job in time (it is then
/// marked dead); a job still running after [`RUN_TIMEOUT_US`] ends the run (it refers to this
/// CPU's stack, so returning is not safe).
pub fn run_on(cpu: u8, f: &mut dyn FnMut(&mut dyn Platform)) -> Result<(), CpuOffline> {
    let limits = JobLimits {
        pickup: PICKUP_TIMEOUT_US,
        run: RUN_TIMEOUT_US,
    };
    let mut job = |platform: &mut GuestPlatform| f(platform);
    MAILBOXES
        .run_on(cpu, &mut job, limits, overran)
        .map_err(|why| match why {
            NotRun::Offline => CpuOffline,
            NotRun::NotTaken => {
                log(format_args!(
                    "cpu {cpu} offline: took no job for {PICKUP_TIMEOUT_US} us, given up"
                ));
                CpuOffline
            }
        })
}

/// A job on CPU `cpu` ran past [`RUN_TIMEOUT_US`]: say so and end the run.
fn overran(cpu: u8) -> ! {
    log(format_args!(
        "cpu {cpu} still running a job after {RUN_TIMEOUT_US} us: exiting"
    ));
    exit::fail()
}

/// Where an AP the boot CPU gave up on spends the rest of the run.
fn park() -> ! {
    cpu::halt()
}
