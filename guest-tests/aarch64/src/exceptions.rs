//! Exception handling: a register access that faults becomes an `Err(Fault)` for the case; any
//! other exception is reported (ESR, FAR, ELR) and survived.
//!
//! - A synchronous exception taken while [`guarded`] runs an access, with EC 0x25 (data abort),
//!   0x00 (UNDEFINED) or 0x18 (trapped MSR/MRS), is remembered; the faulting instruction is
//!   skipped and the access returns the fault.
//! - Any other synchronous exception, or one outside an access, is printed as an
//!   `Observation::Exception` record and the instruction skipped. IRQ, FIQ and SError (cases run
//!   with interrupts masked and poll) print a `log` record. More than [`MAX_UNEXPECTED`] of these
//!   in one case means the guest is looping on a fault: it says so and powers off, and the host
//!   reboots it after that case.
//!
//! The access state is per CPU ([`CpuFaults`], indexed by [`smp::this_cpu`]): an exception is
//! taken on the CPU that made the access, so each CPU only ever touches its own slot, and a
//! fault on a secondary CPU comes back to the case exactly as on the boot CPU.

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering, compiler_fence};

use aarch64_rt::{ExceptionHandlers, RegisterStateRef, exception_handlers};
use guest_kit::protocol::Record;
use guest_kit::{Fault, Observation};

use crate::dt::MAX_CPUS;
use crate::{console, psci, smp, sysreg};

/// Unexpected exceptions tolerated in one case before powering off.
pub const MAX_UNEXPECTED: u32 = 16;

/// ESR_ELx.EC values of faults an access may legitimately take.
const EC_UNKNOWN: u64 = 0x00;
const EC_SYSREG_TRAP: u64 = 0x18;
const EC_DATA_ABORT_SAME_EL: u64 = 0x25;

/// One CPU's access and handler state.
struct CpuFaults {
    /// An access is in progress.
    in_access: AtomicBool,
    /// The access in progress took a fault.
    faulted: AtomicBool,
    esr: AtomicU64,
    far: AtomicU64,
    /// Handlers currently running: an exception inside a handler is not survivable.
    depth: AtomicU32,
}

impl CpuFaults {
    const fn new() -> CpuFaults {
        CpuFaults {
            in_access: AtomicBool::new(false),
            faulted: AtomicBool::new(false),
            esr: AtomicU64::new(0),
            far: AtomicU64::new(0),
            depth: AtomicU32::new(0),
        }
    }

    /// The calling CPU's slot.
    fn mine() -> &'static CpuFaults {
        &FAULTS[smp::this_cpu()]
    }
}

/// Per-CPU access state, by CPU index.
static FAULTS: [CpuFaults; MAX_CPUS] = [const { CpuFaults::new() }; MAX_CPUS];
/// Unexpected exceptions in the current case, on any CPU.
static UNEXPECTED: AtomicU32 = AtomicU32::new(0);

/// Runs `access` (one load, store, `mrs` or `msr`) and turns a synchronous exception it takes into
/// a [`Fault`].
pub fn guarded<T>(access: impl FnOnce() -> T) -> Result<T, Fault> {
    let slot = CpuFaults::mine();
    slot.faulted.store(false, Ordering::SeqCst);
    slot.in_access.store(true, Ordering::SeqCst);
    compiler_fence(Ordering::SeqCst);
    let value = access();
    compiler_fence(Ordering::SeqCst);
    slot.in_access.store(false, Ordering::SeqCst);
    if slot.faulted.load(Ordering::SeqCst) {
        Err(Fault::Abort {
            esr: slot.esr.load(Ordering::SeqCst),
            far: slot.far.load(Ordering::SeqCst),
        })
    } else {
        Ok(value)
    }
}

/// Starts counting unexpected exceptions afresh for a new case.
pub fn begin_case() {
    UNEXPECTED.store(0, Ordering::SeqCst);
}

/// The handlers registered with aarch64-rt (vector tables for EL1 and EL2; the runtime installs
/// the one for the level the guest runs at).
pub struct Handlers;

exception_handlers!(Handlers);

impl ExceptionHandlers for Handlers {
    extern "C" fn sync_current(mut state: RegisterStateRef) {
        enter();
        let slot = CpuFaults::mine();
        let (esr, far) = sysreg::esr_far();
        let ec = (esr >> 26) & 0x3f;
        let expected = matches!(ec, EC_UNKNOWN | EC_SYSREG_TRAP | EC_DATA_ABORT_SAME_EL);
        if slot.in_access.load(Ordering::SeqCst) && expected && !slot.faulted.load(Ordering::SeqCst)
        {
            slot.esr.store(esr, Ordering::SeqCst);
            slot.far.store(far, Ordering::SeqCst);
            slot.faulted.store(true, Ordering::SeqCst);
        } else {
            console::emit(&Record::Obs(Observation::Exception {
                esr,
                far,
                elr: state.elr as u64,
            }));
            count_unexpected();
        }
        // SAFETY: every A64 instruction is 4 bytes; resuming after the one that faulted is what
        // both paths promise (an access whose result is discarded, or a reported, skipped
        // instruction). The registers are otherwise untouched.
        unsafe { state.get_mut().elr += 4 };
        leave();
    }

    extern "C" fn irq_current(_state: RegisterStateRef) {
        asynchronous("irq taken");
    }

    extern "C" fn fiq_current(_state: RegisterStateRef) {
        asynchronous("fiq taken");
    }

    extern "C" fn serror_current(_state: RegisterStateRef) {
        asynchronous("serror taken");
    }

    extern "C" fn sync_lower(state: RegisterStateRef) {
        Self::sync_current(state);
    }

    extern "C" fn irq_lower(_state: RegisterStateRef) {
        asynchronous("irq taken from a lower EL");
    }

    extern "C" fn fiq_lower(_state: RegisterStateRef) {
        asynchronous("fiq taken from a lower EL");
    }

    extern "C" fn serror_lower(_state: RegisterStateRef) {
        asynchronous("serror taken from a lower EL");
    }
}

/// Reports an IRQ, FIQ or SError as a log record and returns to the interrupted code.
fn asynchronous(what: &'static str) {
    enter();
    console::emit(&Record::Log(what));
    count_unexpected();
    leave();
}

/// Marks a handler as running on this CPU; an exception taken by a handler powers off at once.
fn enter() {
    if CpuFaults::mine().depth.fetch_add(1, Ordering::SeqCst) > 0 {
        psci::system_off();
    }
}

fn leave() {
    CpuFaults::mine().depth.fetch_sub(1, Ordering::SeqCst);
}

/// Counts one unexpected exception; powers off past [`MAX_UNEXPECTED`] in one case.
fn count_unexpected() {
    if UNEXPECTED.fetch_add(1, Ordering::SeqCst) + 1 > MAX_UNEXPECTED {
        console::emit(&Record::Log(
            "too many unexpected exceptions in one case, powering off",
        ));
        psci::system_off();
    }
}
