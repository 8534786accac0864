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

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering, compiler_fence};

use aarch64_rt::{ExceptionHandlers, RegisterStateRef, exception_handlers};
use guest_kit::protocol::Record;
use guest_kit::{Fault, Observation};

use crate::{console, psci, sysreg};

/// Unexpected exceptions tolerated in one case before powering off.
pub const MAX_UNEXPECTED: u32 = 16;

/// ESR_ELx.EC values of faults an access may legitimately take.
const EC_UNKNOWN: u64 = 0x00;
const EC_SYSREG_TRAP: u64 = 0x18;
const EC_DATA_ABORT_SAME_EL: u64 = 0x25;

/// An access is in progress.
static IN_ACCESS: AtomicBool = AtomicBool::new(false);
/// The access in progress took a fault.
static FAULTED: AtomicBool = AtomicBool::new(false);
static FAULT_ESR: AtomicU64 = AtomicU64::new(0);
static FAULT_FAR: AtomicU64 = AtomicU64::new(0);
/// Unexpected exceptions in the current case.
static UNEXPECTED: AtomicU32 = AtomicU32::new(0);
/// Handlers currently running: an exception inside a handler is not survivable.
static DEPTH: AtomicU32 = AtomicU32::new(0);

/// Runs `access` (one load, store, `mrs` or `msr`) and turns a synchronous exception it takes into
/// a [`Fault`].
pub fn guarded<T>(access: impl FnOnce() -> T) -> Result<T, Fault> {
    FAULTED.store(false, Ordering::SeqCst);
    IN_ACCESS.store(true, Ordering::SeqCst);
    compiler_fence(Ordering::SeqCst);
    let value = access();
    compiler_fence(Ordering::SeqCst);
    IN_ACCESS.store(false, Ordering::SeqCst);
    if FAULTED.load(Ordering::SeqCst) {
        Err(Fault {
            esr: FAULT_ESR.load(Ordering::SeqCst),
            far: FAULT_FAR.load(Ordering::SeqCst),
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
        let (esr, far) = sysreg::esr_far();
        let ec = (esr >> 26) & 0x3f;
        let expected = matches!(ec, EC_UNKNOWN | EC_SYSREG_TRAP | EC_DATA_ABORT_SAME_EL);
        if IN_ACCESS.load(Ordering::SeqCst) && expected && !FAULTED.load(Ordering::SeqCst) {
            FAULT_ESR.store(esr, Ordering::SeqCst);
            FAULT_FAR.store(far, Ordering::SeqCst);
            FAULTED.store(true, Ordering::SeqCst);
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

/// Marks a handler as running; an exception taken by a handler powers off at once.
fn enter() {
    if DEPTH.fetch_add(1, Ordering::SeqCst) > 0 {
        psci::system_off();
    }
}

fn leave() {
    DEPTH.fetch_sub(1, Ordering::SeqCst);
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
