//! The local APIC timer: one-shot, periodic and TSC-deadline (SDM vol. 3 §11.5.4, §11.5.4.1),
//! with time injected.
//!
//! Invariants:
//! - Time is a tick count the caller supplies (`now`); the timer's input clock and the TSC both
//!   advance one per tick (irqsuite's choice: the ratio is an implementation property that
//!   CPUID leaf 0x15 would report). Nothing here reads a clock.
//! - The count decrements once per `divisor` ticks from the moment the initial count was
//!   written; [`Timer::expire`] reports at most one expiry per call (the IRR bit holds one
//!   interrupt; further periodic expiries before it is serviced coalesce), and a periodic
//!   timer's phase is kept exactly across coalesced periods.
//! - Switching to or from TSC-deadline mode disarms the timer (initial count and deadline
//!   become 0); switching between one-shot and periodic keeps counting (SDM §11.5.4.1).
//! - In TSC-deadline mode the initial-count register ignores writes and the current count reads
//!   0; outside it, IA32_TSC_DEADLINE ignores writes and reads 0 (SDM §11.5.4.1).

use crate::bits::bitfield;
use crate::lapic::lvt::TimerMode;

bitfield! {
    /// Divide configuration register, 0x3E0 / MSR 0x83E (SDM §11.5.4, Figure 11-10).
    pub struct DivideConfig(u32) {
        /// Bits 1:0 of the divide value.
        low, with_low: 0 ..= 1 as u8;
        /// Bit 2 of the divide value (register bit 3).
        high, with_high: 3 ..= 3 as u8;
    }
}

impl DivideConfig {
    /// Writable bits (0, 1, 3).
    pub const WRITABLE: u32 = 0b1011;

    /// The divisor: 2, 4, 8, 16, 32, 64, 128 or 1 for the values 000 .. 111.
    pub fn divisor(self) -> u64 {
        let v = u32::from(self.high()) << 2 | u32::from(self.low());
        if v == 7 { 1 } else { 2 << v }
    }
}

/// Timer state of one local APIC.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Timer {
    /// Initial-count register.
    initial: u32,
    /// Divide configuration.
    divide: DivideConfig,
    /// When the current countdown started, and the count it started from; `None` when the
    /// timer is not counting.
    countdown: Option<(u64, u32)>,
    /// IA32_TSC_DEADLINE; 0 = disarmed.
    deadline: u64,
}

impl Timer {
    /// Initial-count register.
    pub fn initial_count(&self) -> u32 {
        self.initial
    }

    /// Divide configuration register.
    pub fn divide(&self) -> DivideConfig {
        self.divide
    }

    /// Current-count register at `now`.
    pub fn current_count(&self, mode: TimerMode, now: u64) -> u32 {
        match (mode, self.countdown) {
            (TimerMode::OneShot | TimerMode::Periodic, Some((start, count))) => {
                let elapsed = now.saturating_sub(start) / self.divide.divisor();
                count.saturating_sub(u32::try_from(elapsed).unwrap_or(u32::MAX))
            }
            _ => 0,
        }
    }

    /// Write the initial-count register at `now` (ignored in TSC-deadline mode).
    pub fn write_initial(&mut self, mode: TimerMode, value: u32, now: u64) {
        if mode == TimerMode::TscDeadline {
            return;
        }
        self.initial = value;
        self.countdown = (value != 0).then_some((now, value));
    }

    /// Write the divide configuration at `now`: a running countdown continues from its
    /// current count at the new rate.
    pub fn write_divide(&mut self, mode: TimerMode, value: u32, now: u64) {
        let current = self.current_count(mode, now);
        self.divide = DivideConfig(value & DivideConfig::WRITABLE);
        if let Some(c) = self.countdown.as_mut() {
            *c = (now, current);
        }
    }

    /// IA32_TSC_DEADLINE as RDMSR returns it.
    pub fn deadline(&self, mode: TimerMode) -> u64 {
        if mode == TimerMode::TscDeadline {
            self.deadline
        } else {
            0
        }
    }

    /// WRMSR IA32_TSC_DEADLINE (ignored outside TSC-deadline mode).
    pub fn write_deadline(&mut self, mode: TimerMode, value: u64) {
        if mode == TimerMode::TscDeadline {
            self.deadline = value;
        }
    }

    /// The LVT timer mode changed from `old` to `new`.
    pub fn mode_changed(&mut self, old: TimerMode, new: TimerMode) {
        let deadline_involved = old == TimerMode::TscDeadline || new == TimerMode::TscDeadline;
        if old != new && deadline_involved {
            self.initial = 0;
            self.countdown = None;
            self.deadline = 0;
        }
    }

    /// Has the timer expired by `now`? Consumes the expiry: a one-shot countdown stops, a
    /// periodic one reloads keeping its phase, a deadline disarms.
    pub fn expire(&mut self, mode: TimerMode, now: u64) -> bool {
        match mode {
            TimerMode::OneShot | TimerMode::Periodic => {
                let Some((start, count)) = self.countdown else {
                    return false;
                };
                let div = self.divide.divisor();
                let at = start.saturating_add(u64::from(count).saturating_mul(div));
                if now < at {
                    return false;
                }
                if mode == TimerMode::Periodic && self.initial != 0 {
                    let period = u64::from(self.initial) * div;
                    let last = at + (now - at) / period * period;
                    self.countdown = Some((last, self.initial));
                } else {
                    self.countdown = None;
                }
                true
            }
            TimerMode::TscDeadline => {
                if self.deadline != 0 && now >= self.deadline {
                    self.deadline = 0;
                    true
                } else {
                    false
                }
            }
            TimerMode::Reserved => false,
        }
    }

    /// The next tick at which [`Timer::expire`] would report an expiry, if any.
    pub fn next_expiry(&self, mode: TimerMode) -> Option<u64> {
        match mode {
            TimerMode::OneShot | TimerMode::Periodic => {
                let (start, count) = self.countdown?;
                Some(start.saturating_add(u64::from(count).saturating_mul(self.divide.divisor())))
            }
            TimerMode::TscDeadline => (self.deadline != 0).then_some(self.deadline),
            TimerMode::Reserved => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divide_values_map_to_the_sdm_divisors() {
        let d = |v: u32| DivideConfig(v).divisor();
        assert_eq!([d(0), d(1), d(2), d(3)], [2, 4, 8, 16]);
        assert_eq!([d(8), d(9), d(0xa), d(0xb)], [32, 64, 128, 1]);
    }

    #[test]
    fn a_one_shot_timer_counts_down_expires_once_and_stops() {
        let mut t = Timer::default();
        t.write_divide(TimerMode::OneShot, 0xb, 0);
        t.write_initial(TimerMode::OneShot, 100, 10);
        assert_eq!(t.current_count(TimerMode::OneShot, 60), 50);
        assert!(!t.expire(TimerMode::OneShot, 109));
        assert!(t.expire(TimerMode::OneShot, 110));
        assert!(!t.expire(TimerMode::OneShot, 1000));
        assert_eq!(t.current_count(TimerMode::OneShot, 1000), 0);
    }

    #[test]
    fn a_periodic_timer_keeps_its_phase_across_coalesced_periods() {
        let mut t = Timer::default();
        t.write_divide(TimerMode::Periodic, 0xb, 0);
        t.write_initial(TimerMode::Periodic, 10, 0);
        assert!(t.expire(TimerMode::Periodic, 35));
        assert_eq!(t.next_expiry(TimerMode::Periodic), Some(40));
        assert_eq!(t.current_count(TimerMode::Periodic, 35), 5);
    }

    #[test]
    fn a_tsc_deadline_fires_once_and_disarms() {
        let mut t = Timer::default();
        t.write_deadline(TimerMode::TscDeadline, 500);
        assert!(!t.expire(TimerMode::TscDeadline, 499));
        assert!(t.expire(TimerMode::TscDeadline, 500));
        assert_eq!(t.deadline(TimerMode::TscDeadline), 0);
    }

    #[test]
    fn the_deadline_msr_ignores_writes_outside_tsc_deadline_mode() {
        let mut t = Timer::default();
        t.write_deadline(TimerMode::OneShot, 500);
        assert_eq!(t.deadline(TimerMode::TscDeadline), 0);
    }

    #[test]
    fn leaving_tsc_deadline_mode_disarms_the_deadline() {
        let mut t = Timer::default();
        t.write_deadline(TimerMode::TscDeadline, 500);
        t.mode_changed(TimerMode::TscDeadline, TimerMode::OneShot);
        t.mode_changed(TimerMode::OneShot, TimerMode::TscDeadline);
        assert_eq!(t.deadline(TimerMode::TscDeadline), 0);
    }
}
