//! The list-register trace: per vCPU, how often refvisor flushed and folded, how many
//! maintenance interrupts arrived, how often the ap_list overflowed the list registers in use,
//! which maintenance requests a flush made, and the EOIcount folds consumed. Reset at each
//! case's start record and printed before its end record (`guest_uart`), so the host attaches
//! the line to the case.

use core::fmt;

/// Counters since the last reset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LrStats {
    /// Flushes (model → list registers).
    pub flush: u32,
    /// Folds (list registers → model).
    pub fold: u32,
    /// Maintenance interrupts taken.
    pub mi: u32,
    /// Flushes whose ap_list held more entries than list registers.
    pub overflow: u32,
    /// Flushes that requested the underflow maintenance interrupt (UIE).
    pub uie: u32,
    /// Flushes that requested NPIE.
    pub npie: u32,
    /// Flushes that requested LRENPIE (an active entry left out).
    pub lrenpie: u32,
    /// Deactivations folded from EOIcount.
    pub eoicount: u32,
    /// Trapped DIR writes emulated.
    pub dir_traps: u32,
    /// Other vCPUs made to fold before an access (kicked and waited for).
    pub remote_folds: u32,
    /// Of those, how many did not answer in time (the model went on without their fold).
    pub remote_timeouts: u32,
}

impl LrStats {
    /// Adds `other` to these counters.
    pub fn add(&mut self, other: &LrStats) {
        self.flush += other.flush;
        self.fold += other.fold;
        self.mi += other.mi;
        self.overflow += other.overflow;
        self.uie += other.uie;
        self.npie += other.npie;
        self.lrenpie += other.lrenpie;
        self.eoicount += other.eoicount;
        self.dir_traps += other.dir_traps;
        self.remote_folds += other.remote_folds;
        self.remote_timeouts += other.remote_timeouts;
    }
}

impl fmt::Display for LrStats {
    /// `flush=N fold=N mi=N overflow=N uie=N npie=N lrenpie=N eoicount=N dir=N remote=N
    /// stale=N`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "flush={} fold={} mi={} overflow={} uie={} npie={} lrenpie={} eoicount={} dir={} \
             remote={} stale={}",
            self.flush,
            self.fold,
            self.mi,
            self.overflow,
            self.uie,
            self.npie,
            self.lrenpie,
            self.eoicount,
            self.dir_traps,
            self.remote_folds,
            self.remote_timeouts
        )
    }
}
