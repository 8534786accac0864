//! Other vCPUs' list registers: before refvisor emulates an access of one vCPU's guest, every
//! other running vCPU whose list registers hold an interrupt is made to fold (a kick SGI, then
//! wait until its exit count moves): its guest may have acknowledged or deactivated an
//! interrupt there since its last exit, and the distributor model is the authority only after
//! a fold (`reference_vgic::Vgic`). Two vCPUs asking each other at once both go on: a waiting
//! vCPU answers the requests made of it.

use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use super::{Cause, WORLD, locked_exit_of};
use crate::dt::MAX_CPUS;
use crate::hw::Hw;
use crate::sysreg;

/// Per vCPU: how many times its list registers were folded and flushed (a completed exit).
static EXITS: [AtomicU32; MAX_CPUS] = [const { AtomicU32::new(0) }; MAX_CPUS];
/// Per vCPU: another vCPU asks it to fold (and flush) now.
static FOLD_REQUESTED: [AtomicBool; MAX_CPUS] = [const { AtomicBool::new(false) }; MAX_CPUS];

/// How long a vCPU waits for another to fold before it goes on with the model as it is (a
/// vCPU that does not answer: its list registers may then be stale, counted as `stale`). Far
/// above an answer's time (a few ms on a loaded host), below the guest kit's 1 s limits on
/// another CPU taking and running a job, so a slow answer never costs a case its CPU.
const FOLD_WAIT_US: u64 = 500_000;

/// A wait for another vCPU's fold longer than this is reported on refvisor's console.
const SLOW_US: u64 = 50_000;

/// vCPU `cpu` completed an exit (fold and flush).
pub(super) fn exited(cpu: usize) {
    if let Some(n) = EXITS.get(cpu) {
        n.fetch_add(1, Ordering::SeqCst);
    }
}

/// vCPU `cpu` took its kick: the request is being answered.
pub(super) fn answered(cpu: usize) {
    if let Some(r) = FOLD_REQUESTED.get(cpu) {
        r.store(false, Ordering::SeqCst);
    }
}

/// Makes every other running vCPU whose list registers hold an interrupt fold, and waits for
/// it (kick SGI, then its exit count moves). While waiting, answers the same request from
/// others, so two vCPUs asking each other at once both go on.
pub(super) fn fold_others(cpu: usize) {
    let (hw, pending): (Hw, Vec<(usize, u64)>) = {
        let guard = WORLD.lock();
        let Some(world) = guard.as_ref() else {
            return;
        };
        let pending = (0..world.mpidr.len())
            .filter(|&o| o != cpu && crate::smp::is_running(o))
            .filter(|&o| {
                world.loaded[o]
                    .as_ref()
                    .is_some_and(|l| l.lrs.iter().any(|lr| lr.is_valid()))
            })
            .map(|o| (o, world.mpidr[o]))
            .collect();
        (world.hw, pending)
    };
    let mut timeouts = 0;
    let asked = pending.len() as u32;
    for (other, mpidr) in pending {
        let before = EXITS[other].load(Ordering::SeqCst);
        FOLD_REQUESTED[other].store(true, Ordering::SeqCst);
        hw.kick(other, mpidr);
        let start = sysreg::read_cntpct_el0();
        let limit = FOLD_WAIT_US * sysreg::read_cntfrq_el0() / 1_000_000;
        while EXITS[other].load(Ordering::SeqCst) == before {
            if FOLD_REQUESTED[cpu].swap(false, Ordering::SeqCst) {
                locked_exit_of(cpu, Cause::Other, |_| ());
            }
            if sysreg::read_cntpct_el0() - start > limit {
                timeouts += 1;
                break;
            }
            core::hint::spin_loop();
        }
        let waited_us =
            (sysreg::read_cntpct_el0() - start) * 1_000_000 / sysreg::read_cntfrq_el0().max(1);
        if waited_us > SLOW_US {
            crate::console::say!("cpu {cpu} waited {waited_us} us for cpu {other} to fold");
        }
    }
    if asked > 0
        && let Some(world) = WORLD.lock().as_mut()
    {
        world.count(cpu, |s| {
            s.remote_folds += asked;
            s.remote_timeouts += timeouts;
        });
    }
}
