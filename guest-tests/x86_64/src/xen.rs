//! Xen, when the guest runs as a Xen HVM/PVH domain: detection through the hypervisor CPUID
//! leaves, the TSC frequency Xen reports, and the one hypercall the guest makes,
//! `SCHEDOP_shutdown(SHUTDOWN_poweroff)`, to end the run where there is no ACPI PM1a block (a PVH
//! domain's FADT is hardware-reduced).
//!
//! Xen public headers: `arch-x86/cpuid.h` (leaves base+0 signature "XenVMMXenVMM", base+2 hypercall
//! page count and MSR, base+3 sub-leaf 0 ECX = guest TSC kHz; the base is 0x40000000 + 0x100·k,
//! k < 16, higher when Viridian leaves come first), `xen.h` (`__HYPERVISOR_sched_op` = 29),
//! `sched.h` (`SCHEDOP_shutdown` = 2, `SHUTDOWN_poweroff` = 0). The hypercall page: the guest
//! writes a page's physical address to the MSR, Xen fills it with 32-byte stubs, hypercall `n` is
//! a call to page + 32·n with arguments in rdi, rsi (64-bit ABI).
//!
//! Not exercised on this machine (no x86 Xen here): written from the headers above.

use core::arch::asm;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

use x86_64::registers::model_specific::Msr;

use crate::cpu;

const SIGNATURE: [u32; 3] = [
    u32::from_le_bytes(*b"XenV"),
    u32::from_le_bytes(*b"MMXe"),
    u32::from_le_bytes(*b"nVMM"),
];
const HYPERVISOR_SCHED_OP: u64 = 29;
const SCHEDOP_SHUTDOWN: u64 = 2;
const SHUTDOWN_POWEROFF: u32 = 0;
/// Bytes per hypercall stub in the page.
const STUB: u64 = 32;

/// The hypercall page Xen fills in (identity mapped, executable: the guest does not set NX).
#[repr(C, align(4096))]
struct HypercallPage(UnsafeCell<[u8; 4096]>);

// SAFETY: written by Xen once (at the MSR write, before `READY` is released), then only executed.
unsafe impl Sync for HypercallPage {}

static PAGE: HypercallPage = HypercallPage(UnsafeCell::new([0; 4096]));
/// The hypercall page is installed.
static READY: AtomicBool = AtomicBool::new(false);

/// The base of Xen's CPUID leaves, when running on Xen.
fn base() -> Option<u32> {
    (0..16).map(|k| 0x4000_0000 + 0x100 * k).find(|&leaf| {
        let (max, b, c, d) = cpu::cpuid(leaf);
        [b, c, d] == SIGNATURE && max >= leaf + 2
    })
}

/// The guest TSC frequency Xen reports, in kHz.
pub fn tsc_khz() -> Option<u64> {
    let base = base()?;
    if cpu::cpuid(base).0 < base + 3 {
        return None;
    }
    Some(u64::from(cpu::cpuid(base + 3).2)).filter(|&khz| khz != 0)
}

/// Installs the hypercall page when running on Xen; returns whether it did.
pub fn init() -> bool {
    let Some(base) = base() else {
        return false;
    };
    let (pages, msr, ..) = cpu::cpuid(base + 2);
    if pages == 0 {
        return false;
    }
    // SAFETY: tells Xen where to write the hypercall stubs: a page-aligned static page of our
    // own that nothing else reads or writes.
    unsafe { Msr::new(msr).write(PAGE.0.get() as u64) };
    READY.store(true, Ordering::SeqCst);
    true
}

/// `SCHEDOP_shutdown(SHUTDOWN_poweroff)`; returns only if Xen refused (or there is no page).
pub fn power_off() {
    if !READY.load(Ordering::SeqCst) {
        return;
    }
    let reason = SHUTDOWN_POWEROFF;
    let stub = PAGE.0.get() as u64 + STUB * HYPERVISOR_SCHED_OP;
    // SAFETY: `stub` is Xen's sched_op stub in the installed hypercall page; the argument is a
    // `struct sched_shutdown` on our stack, alive across the call. Xen may clobber the argument
    // and caller-saved registers (debug builds do), which the operands declare.
    unsafe {
        asm!(
            "call {stub}",
            stub = in(reg) stub,
            inout("rdi") SCHEDOP_SHUTDOWN => _,
            inout("rsi") &raw const reason as u64 => _,
            clobber_abi("C"),
        )
    };
}
