//! [`Cpu`]: the per-architecture operations the shared runtime needs, implemented by each guest
//! with its own instructions (Arm: `dsb`/`isb`, `sev`/`wfe`, the generic timer; x86: `mfence`,
//! `pause`, the TSC).

/// The calling CPU's view of the machine, as the runtime needs it. Every function acts on the
/// CPU that calls it.
pub trait Cpu {
    /// The calling CPU's index (discovery order, 0 = the boot CPU).
    fn index() -> usize;

    /// A full barrier: every earlier memory and device access completes before any later one
    /// starts (Arm `dsb sy; isb`, x86 `mfence`). Used where a device or another CPU must see
    /// memory this CPU wrote before it acts on a following access.
    fn barrier();

    /// Wakes the CPUs waiting in [`Cpu::idle`] after a mailbox changed (Arm `dsb ish; sev`).
    /// Where waiting CPUs spin (x86), nothing.
    fn wake();

    /// Waits a little for a mailbox to change (Arm `wfe`, x86 a spin-loop hint). May return at
    /// once: callers re-check their condition.
    fn idle();

    /// A spin-loop hint for a CPU polling while another works (Arm `yield`, which lets QEMU's
    /// round-robin TCG run the other CPU; x86 `pause`).
    fn relax();

    /// A monotonic clock, in the unit the caller gives its timeouts in (counter ticks,
    /// microseconds).
    fn now() -> u64;
}

#[cfg(test)]
pub(crate) mod tests {
    //! [`HostCpu`]: the runtime's [`Cpu`] on the host, for its unit tests: CPUs are threads.

    use std::cell::Cell;
    use std::sync::atomic::{AtomicU64, Ordering, fence};

    use super::Cpu;

    thread_local! {
        static INDEX: Cell<usize> = const { Cell::new(0) };
    }

    /// The clock: one tick per look, so a timeout is a number of polls, not wall time.
    static TICKS: AtomicU64 = AtomicU64::new(0);

    /// A CPU that is a host thread.
    pub(crate) enum HostCpu {}

    impl HostCpu {
        /// Makes the calling thread CPU `index`.
        pub(crate) fn become_cpu(index: usize) {
            INDEX.with(|i| i.set(index));
        }
    }

    impl Cpu for HostCpu {
        fn index() -> usize {
            INDEX.with(Cell::get)
        }
        fn barrier() {
            fence(Ordering::SeqCst);
        }
        fn wake() {}
        fn idle() {
            std::thread::yield_now();
        }
        fn relax() {
            std::thread::yield_now();
        }
        fn now() -> u64 {
            TICKS.fetch_add(1, Ordering::Relaxed)
        }
    }
}
