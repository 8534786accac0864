//! [`Mailboxes`]: how the CPU running a case runs code on another CPU ([`Mailboxes::run_on`],
//! behind `Platform::on_cpu`), and how secondary CPUs report themselves online. Starting a CPU
//! (PSCI CPU_ON, INIT-SIPI-SIPI) is the guest's; everything after is here.
//!
//! Mailbox states (one [`Mailbox`] per CPU), and who moves them:
//!
//! ```text
//! OFFLINE --secondary, online--> IDLE --poster--> CLAIMED --poster--> POSTED
//! POSTED --secondary--> RUNNING --secondary--> DONE --poster--> IDLE
//! OFFLINE, POSTED --boot CPU, timed out--> DEAD (for good; a late CPU parks)
//! ```
//!
//! Only one CPU runs case code at a time: the poster waits in [`Mailboxes::run_on`] while the job
//! runs. The boot CPU serves no mailbox (it is the one waiting), so code on a secondary cannot
//! run code on CPU 0: that is reported as offline.

use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, AtomicU8, Ordering};

use crate::Cpu;

/// Mailbox states (see the module documentation).
const OFFLINE: u8 = 0;
const IDLE: u8 = 1;
const CLAIMED: u8 = 2;
const POSTED: u8 = 3;
const RUNNING: u8 = 4;
const DONE: u8 = 5;
const DEAD: u8 = 6;

/// One CPU's mailbox, on a cache line of its own.
#[repr(align(64))]
struct Mailbox {
    state: AtomicU8,
    /// A `*mut Job` while the state is POSTED or RUNNING.
    job: AtomicPtr<()>,
}

/// What a poster hands to another CPU: the closure (a fat pointer, behind this thin one).
struct Job<'a, P: ?Sized> {
    f: &'a mut dyn FnMut(&mut P),
}

/// The mailboxes of `N` CPUs whose jobs take a `&mut P` (the guest's platform). `C` is the
/// architecture's barriers, wake-ups and clock.
pub struct Mailboxes<C, P: ?Sized, const N: usize> {
    boxes: [Mailbox; N],
    types: PhantomData<Uses<C, P>>,
}

/// What [`Mailboxes`] uses its type parameters for: `C`'s functions, and jobs that take a
/// `&mut P` (a function type, so the mailboxes are `Sync` whatever `P` is).
type Uses<C, P> = (fn() -> C, fn(&mut P));

/// The boot CPU gave up on a CPU that was late to come online ([`Mailboxes::wait_online`]), or
/// a late CPU found that it had ([`Mailboxes::go_online`]): it stays out of the way for good.
#[derive(Debug, PartialEq, Eq)]
pub struct GivenUp;

/// Why [`Mailboxes::run_on`] did not run a job.
#[derive(Debug, PartialEq, Eq)]
pub enum NotRun {
    /// The CPU is not online: never came up, given up on, busy, out of range, or the boot CPU
    /// (which serves no mailbox).
    Offline,
    /// The CPU did not take the job within the pickup time: it is now given up on for good.
    NotTaken,
}

/// How long [`Mailboxes::run_on`] waits, in [`Cpu::now`] units.
#[derive(Clone, Copy, Debug)]
pub struct JobLimits {
    /// For the CPU to take the job.
    pub pickup: u64,
    /// For the job to finish once taken.
    pub run: u64,
}

impl<C: Cpu, P: ?Sized, const N: usize> Mailboxes<C, P, N> {
    /// Every CPU offline (for a `static`).
    pub const fn new() -> Self {
        Mailboxes {
            boxes: [const {
                Mailbox {
                    state: AtomicU8::new(OFFLINE),
                    job: AtomicPtr::new(core::ptr::null_mut()),
                }
            }; N],
            types: PhantomData,
        }
    }

    /// Whether CPU `index` has not come online (and was not given up on) yet.
    pub fn is_offline(&self, index: usize) -> bool {
        self.boxes[index].state.load(Ordering::Acquire) == OFFLINE
    }

    /// On the boot CPU: waits until CPU `index` is online. Once more than `timeout` has passed
    /// since `since` (both [`Cpu::now`]) it gives up on the CPU for good (`Err(GivenUp)`), unless
    /// the CPU came online just then.
    pub fn wait_online(&self, index: usize, since: u64, timeout: u64) -> Result<(), GivenUp> {
        let mailbox = &self.boxes[index];
        loop {
            // Acquire: pairs with the secondary's release of IDLE, after its set-up.
            if mailbox.state.load(Ordering::Acquire) == IDLE {
                return Ok(());
            }
            if C::now().wrapping_sub(since) > timeout
                && mailbox
                    .state
                    .compare_exchange(OFFLINE, DEAD, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
            {
                return Err(GivenUp);
            }
            C::relax();
        }
    }

    /// On secondary CPU `index`, set up: reports it online and wakes the boot CPU.
    /// `Err(GivenUp)` when the boot CPU gave up on it already: the caller parks for good.
    pub fn go_online(&self, index: usize) -> Result<(), GivenUp> {
        // Release: pairs with the boot CPU's acquire load of IDLE.
        self.boxes[index]
            .state
            .compare_exchange(OFFLINE, IDLE, Ordering::Release, Ordering::Relaxed)
            .map_err(|_| GivenUp)?;
        C::wake();
        Ok(())
    }

    /// On secondary CPU `index`, online: waits for jobs in its mailbox and runs them with
    /// `platform`, forever.
    pub fn serve(&self, index: usize, platform: &mut P) -> ! {
        loop {
            if !self.serve_one(index, platform) {
                C::idle();
            }
        }
    }

    /// Runs the job posted to CPU `index`, if there is one; whether there was.
    fn serve_one(&self, index: usize, platform: &mut P) -> bool {
        let mailbox = &self.boxes[index];
        // Acquire: pairs with the poster's release of POSTED, so the job pointer and everything
        // the poster wrote before (the closure's captures, the trace) are visible here.
        if mailbox.state.load(Ordering::Relaxed) != POSTED
            || mailbox
                .state
                .compare_exchange(POSTED, RUNNING, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
        {
            return false;
        }
        let job = mailbox.job.load(Ordering::Relaxed).cast::<Job<'_, P>>();
        // SAFETY: the poster stored a pointer to a `Job<P>` on its own stack before releasing
        // POSTED, and does not return from `run_on` (so the `Job`, the closure and everything it
        // borrows stay alive and untouched by it) until it sees DONE, which is stored below after
        // the last use, or until the run limit, after which it ends the run instead of returning.
        // Only this CPU took the job (the CAS above), so this is the only reference.
        let job = unsafe { &mut *job };
        (job.f)(platform);
        // The job's register accesses complete before the poster goes on (it may read state
        // this CPU just changed, e.g. after an acknowledge).
        C::barrier();
        // Release: everything the job wrote is visible to the poster's acquire of DONE.
        mailbox.state.store(DONE, Ordering::Release);
        C::wake();
        true
    }

    /// Runs `f` on CPU `cpu` (not the caller) through its mailbox and waits for it to finish.
    ///
    /// `Err(NotRun::Offline)` when the CPU is not online; `Err(NotRun::NotTaken)` when it does not
    /// take the job within `limits.pickup` (it is then given up on). A CPU that took the job but
    /// is still running it after `limits.run` calls `overran(cpu)`, which must end the run: the job
    /// refers to this CPU's stack, so returning would let it write into memory this CPU reuses.
    pub fn run_on(
        &self,
        cpu: u8,
        f: &mut dyn FnMut(&mut P),
        limits: JobLimits,
        overran: fn(cpu: u8) -> !,
    ) -> Result<(), NotRun> {
        let index = usize::from(cpu);
        if index == 0 || index >= N {
            return Err(NotRun::Offline);
        }
        let mailbox = &self.boxes[index];
        if mailbox
            .state
            .compare_exchange(IDLE, CLAIMED, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return Err(NotRun::Offline);
        }
        let mut job = Job { f };
        mailbox
            .job
            .store((&raw mut job).cast::<()>(), Ordering::Relaxed);
        // This CPU's register accesses so far (e.g. an SGI sent, an SPI retargeted) complete
        // before the other CPU makes its first.
        C::barrier();
        // Release: the job pointer and everything the closure captures are visible to the
        // acquire that takes the job.
        mailbox.state.store(POSTED, Ordering::Release);
        C::wake();
        let begin = C::now();
        loop {
            // Acquire: pairs with the release of DONE, so the job's writes are visible here.
            let state = mailbox.state.load(Ordering::Acquire);
            let elapsed = C::now().wrapping_sub(begin);
            match state {
                DONE => {
                    // The job is finished and no longer referenced; the mailbox is free again.
                    mailbox.state.store(IDLE, Ordering::Relaxed);
                    return Ok(());
                }
                POSTED
                    if elapsed > limits.pickup
                        && mailbox
                            .state
                            .compare_exchange(POSTED, DEAD, Ordering::Relaxed, Ordering::Relaxed)
                            .is_ok() =>
                {
                    // The CPU never saw the job (it would have moved POSTED on first), so
                    // nothing refers to `job` any more.
                    return Err(NotRun::NotTaken);
                }
                RUNNING if elapsed > limits.run => overran(cpu),
                _ => C::relax(),
            }
        }
    }
}

impl<C: Cpu, P: ?Sized, const N: usize> Default for Mailboxes<C, P, N> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::thread;

    use super::*;
    use crate::cpu::tests::HostCpu;

    /// The platform the test jobs get: a log of who ran.
    type Ran = Vec<&'static str>;

    const NEVER: JobLimits = JobLimits {
        pickup: u64::MAX / 2,
        run: u64::MAX / 2,
    };

    fn overran(_: u8) -> ! {
        panic!("a job overran");
    }

    /// Runs `test` on CPU 0 while CPU 1 (a thread) comes online and serves until `test` is done.
    fn with_cpu1_serving(
        boxes: &'static Mailboxes<HostCpu, Ran, 4>,
        test: impl FnOnce() + Send,
    ) -> Ran {
        let stop = AtomicBool::new(false);
        thread::scope(|s| {
            let cpu1 = s.spawn(|| {
                HostCpu::become_cpu(1);
                let mut ran = Ran::new();
                boxes.go_online(1).unwrap();
                while !stop.load(Ordering::Acquire) {
                    boxes.serve_one(1, &mut ran);
                }
                ran
            });
            boxes.wait_online(1, HostCpu::now(), u64::MAX / 2).unwrap();
            test();
            stop.store(true, Ordering::Release);
            cpu1.join().unwrap()
        })
    }

    #[test]
    fn a_job_runs_on_the_online_cpu_with_its_platform_and_the_mailbox_is_reusable() {
        static BOXES: Mailboxes<HostCpu, Ran, 4> = Mailboxes::new();
        let ran = with_cpu1_serving(&BOXES, || {
            let mut seen_by_poster = 0;
            for name in ["first", "second"] {
                let mut job = |ran: &mut Ran| {
                    ran.push(name);
                    seen_by_poster += 1;
                };
                assert_eq!(BOXES.run_on(1, &mut job, NEVER, overran), Ok(()));
            }
            assert_eq!(
                seen_by_poster, 2,
                "the job's writes are visible to the poster"
            );
        });
        assert_eq!(ran, ["first", "second"]);
    }

    #[test]
    fn the_boot_cpu_an_unknown_cpu_and_one_never_started_are_offline() {
        static BOXES: Mailboxes<HostCpu, Ran, 4> = Mailboxes::new();
        let mut job = |_: &mut Ran| panic!("must not run");
        for cpu in [0, 4, 200] {
            assert_eq!(
                BOXES.run_on(cpu, &mut job, NEVER, overran),
                Err(NotRun::Offline)
            );
        }
        assert!(BOXES.is_offline(2));
        assert_eq!(
            BOXES.run_on(2, &mut job, NEVER, overran),
            Err(NotRun::Offline)
        );
    }

    #[test]
    fn a_cpu_late_to_come_online_is_given_up_on_and_cannot_come_online_after() {
        static BOXES: Mailboxes<HostCpu, Ran, 4> = Mailboxes::new();
        assert_eq!(BOXES.wait_online(3, HostCpu::now(), 10), Err(GivenUp));
        assert!(!BOXES.is_offline(3));
        assert_eq!(BOXES.go_online(3), Err(GivenUp), "the late CPU parks");
        let mut job = |_: &mut Ran| panic!("must not run");
        assert_eq!(
            BOXES.run_on(3, &mut job, NEVER, overran),
            Err(NotRun::Offline)
        );
    }

    #[test]
    fn a_job_nobody_takes_is_withdrawn_and_its_cpu_given_up_on() {
        static BOXES: Mailboxes<HostCpu, Ran, 4> = Mailboxes::new();
        // Online, but never serving (stuck before its loop).
        BOXES.go_online(2).unwrap();
        let limits = JobLimits {
            pickup: 10,
            run: u64::MAX / 2,
        };
        let mut job = |_: &mut Ran| panic!("must not run");
        assert_eq!(
            BOXES.run_on(2, &mut job, limits, overran),
            Err(NotRun::NotTaken)
        );
        let mut ran = Ran::new();
        assert!(!BOXES.serve_one(2, &mut ran), "the job was withdrawn");
        assert_eq!(
            BOXES.run_on(2, &mut job, NEVER, overran),
            Err(NotRun::Offline)
        );
    }
}
