//! vCPUs on physical CPUs: vCPU n runs on physical CPU n (the n-th `/cpus` node), entered by
//! the guest's PSCI CPU_ON (trapped, HCR_EL2.TSC) and started by refvisor's own CPU_ON to
//! QEMU's PSCI (aarch64-rt's `start_core`), so each vCPU has a physical CPU to itself and never
//! leaves it: no EL1 state is switched, only the vGIC is folded and flushed.

use core::sync::atomic::{AtomicBool, Ordering};

use aarch64_rt::{Stack, start_core};
use smccc::Smc;

use crate::console::say;
use crate::dt::MAX_CPUS;
use crate::{sysreg, vcpu};

/// Pages of each secondary CPU's EL2 stack.
const STACK_PAGES: usize = 16;

/// The secondary CPUs' stacks (index = vCPU; entry 0 unused: CPU 0 runs on the boot stack).
static mut STACKS: [Stack<STACK_PAGES>; MAX_CPUS] = [const { Stack::new() }; MAX_CPUS];

static RUNNING: [AtomicBool; MAX_CPUS] = [const { AtomicBool::new(false) }; MAX_CPUS];

/// Affinity of each vCPU's physical CPU, from the device tree.
static MPIDR: spin::Mutex<[u64; MAX_CPUS]> = spin::Mutex::new([0; MAX_CPUS]);
static CPUS: spin::Mutex<usize> = spin::Mutex::new(1);

/// Records the CPUs of the machine.
pub fn init(cpus: usize, mpidr: &[u64; MAX_CPUS]) {
    *MPIDR.lock() = *mpidr;
    *CPUS.lock() = cpus;
}

/// The vCPU running on this physical CPU.
pub fn current() -> usize {
    sysreg::read_tpidr_el2() as usize
}

/// Marks this CPU's vCPU running.
pub fn set_running(cpu: usize) {
    if let Some(r) = RUNNING.get(cpu) {
        r.store(true, Ordering::SeqCst);
    }
}

/// Whether vCPU `cpu` has been started.
pub fn is_running(cpu: usize) -> bool {
    RUNNING.get(cpu).is_some_and(|r| r.load(Ordering::SeqCst))
}

/// PSCI return codes (Arm DEN 0022D §5.2.2).
const INVALID_PARAMETERS: i64 = -2;
const ALREADY_ON: i64 = -4;
const INTERNAL_FAILURE: i64 = -6;

/// The guest's CPU_ON(`target`, `entry`, `context`): starts the physical CPU of the vCPU with
/// affinity `target`, which enters the guest at `entry` with x0 = `context`. Returns the PSCI
/// status for the guest's x0.
pub fn cpu_on(target: u64, entry: u64, context: u64) -> i64 {
    let cpus = *CPUS.lock();
    let mpidr = *MPIDR.lock();
    let Some(cpu) = (0..cpus).find(|&c| mpidr[c] == target & 0xff_00ff_ffff) else {
        return INVALID_PARAMETERS;
    };
    if is_running(cpu) {
        return ALREADY_ON;
    }
    // SAFETY: each secondary's stack is used by that CPU only, and only once (the guest
    // cannot start a running vCPU again: `is_running` above, set before the call returns
    // to the guest).
    let stack = unsafe { &raw mut STACKS[cpu] };
    set_running(cpu);
    let top = stack.wrapping_add(1) as u64;
    let asked = sysreg::read_cntpct_el0();
    // SAFETY: the stack is reserved for this CPU (above) and mapped by `mmu` for every CPU.
    let started = unsafe {
        start_core::<Smc, _, STACK_PAGES>(mpidr[cpu], stack, move || {
            let us =
                (sysreg::read_cntpct_el0() - asked) * 1_000_000 / sysreg::read_cntfrq_el0().max(1);
            say!("cpu {cpu} up {us} us after the guest's CPU_ON");
            vcpu::start(cpu, entry, context, top)
        })
    };
    match started {
        Ok(()) => 0,
        Err(e) => {
            say!("CPU_ON of cpu {cpu} failed: {e:?}");
            RUNNING[cpu].store(false, Ordering::SeqCst);
            INTERNAL_FAILURE
        }
    }
}

/// AFFINITY_INFO for `target`: 0 (ON) or 1 (OFF), or INVALID_PARAMETERS.
pub fn affinity_info(target: u64) -> i64 {
    let cpus = *CPUS.lock();
    let mpidr = *MPIDR.lock();
    match (0..cpus).find(|&c| mpidr[c] == target & 0xff_00ff_ffff) {
        Some(cpu) if is_running(cpu) => 0,
        Some(_) => 1,
        None => INVALID_PARAMETERS,
    }
}
