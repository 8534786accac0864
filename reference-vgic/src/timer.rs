//! The EL1 virtual timer of one CPU (Arm ARM D11.2 "The Generic Timer in AArch64 state":
//! CNTV_CTL_EL0, CNTV_CVAL_EL0, CNTV_TVAL_EL0; CNTVCT_EL0 as the count).
//!
//! Invariants:
//! - Time is injected: every access takes the current count `now`; the timer stores only
//!   CTL (ENABLE, IMASK) and CVAL, so TVAL and ISTATUS are always derived.
//! - The timer condition is met when `now >= CVAL` (unsigned 64-bit comparison).
//! - ISTATUS (CTL bit 2, read-only) reads the condition while ENABLE is 1 and 0 while it is 0
//!   (the Arm ARM leaves it UNKNOWN when disabled: irqsuite's choice).
//! - The output line is `ENABLE && !IMASK && ISTATUS`.

/// A timer register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimerReg {
    /// CNTV_CTL_EL0: ENABLE bit 0, IMASK bit 1, ISTATUS bit 2 (RO).
    Ctl,
    /// CNTV_TVAL_EL0: signed 32-bit `CVAL - count`.
    Tval,
    /// CNTV_CVAL_EL0.
    Cval,
    /// CNTVCT_EL0 (RO): the injected count.
    Count,
}

const CTL_ENABLE: u64 = 1 << 0;
const CTL_IMASK: u64 = 1 << 1;
const CTL_ISTATUS: u64 = 1 << 2;

/// One CPU's EL1 virtual timer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VirtualTimer {
    enable: bool,
    imask: bool,
    cval: u64,
}

impl VirtualTimer {
    /// Reset state: disabled, unmasked, CVAL 0 (CVAL's reset value is UNKNOWN: irqsuite's
    /// choice).
    pub fn new() -> Self {
        Self::default()
    }

    fn istatus(&self, now: u64) -> bool {
        self.enable && now >= self.cval
    }

    /// Read `reg` at count `now`.
    pub fn read(&self, reg: TimerReg, now: u64) -> u64 {
        match reg {
            TimerReg::Ctl => {
                let mut v = 0;
                if self.enable {
                    v |= CTL_ENABLE;
                }
                if self.imask {
                    v |= CTL_IMASK;
                }
                if self.istatus(now) {
                    v |= CTL_ISTATUS;
                }
                v
            }
            // Bits [63:32] are RES0; [31:0] hold the signed difference.
            TimerReg::Tval => u64::from(self.cval.wrapping_sub(now) as u32),
            TimerReg::Cval => self.cval,
            TimerReg::Count => now,
        }
    }

    /// Write `value` to `reg` at count `now`. ISTATUS and the count are read-only.
    pub fn write(&mut self, reg: TimerReg, value: u64, now: u64) {
        match reg {
            TimerReg::Ctl => {
                self.enable = value & CTL_ENABLE != 0;
                self.imask = value & CTL_IMASK != 0;
            }
            TimerReg::Tval => {
                let delta = i64::from(value as u32 as i32);
                self.cval = now.wrapping_add_signed(delta);
            }
            TimerReg::Cval => self.cval = value,
            TimerReg::Count => {}
        }
    }

    /// The timer's output line at count `now`: ENABLE && !IMASK && ISTATUS.
    pub fn output(&self, now: u64) -> bool {
        self.enable && !self.imask && self.istatus(now)
    }
}
