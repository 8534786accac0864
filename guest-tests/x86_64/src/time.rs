//! Time: the TSC, calibrated once against the ACPI PM timer (3.579545 MHz, ACPI 6.5 §4.8.3.3),
//! or from CPUID leaf 0x15, or from Xen's CPUID leaf, when there is no PM timer (Xen PVH
//! guests have a hardware-reduced FADT). Timeouts and the `delay` of the kit's platform use it.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::cpu;

/// The PM timer's frequency in Hz.
const PM_TIMER_HZ: u64 = 3_579_545;
/// PM timer ticks calibrated over (about 10 ms).
const CALIBRATION_TICKS: u32 = 35_795;
/// TSC ticks per microsecond assumed when nothing can measure it.
const FALLBACK_TSC_PER_US: u64 = 1_000;

/// TSC ticks per microsecond (at least 1).
static TSC_PER_US: AtomicU64 = AtomicU64::new(FALLBACK_TSC_PER_US);

/// How the TSC was calibrated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Calibration {
    /// Against the PM timer.
    PmTimer,
    /// From CPUID 0x15 (TSC/crystal ratio and crystal frequency).
    Cpuid,
    /// From the frequency Xen reports (its CPUID leaf base+3).
    Xen,
    /// Not measured: [`FALLBACK_TSC_PER_US`] assumed.
    Assumed,
}

/// Calibrates the TSC against the PM timer at `pm_timer` (an I/O port, with a 32-bit counter
/// when `wide`, else 24-bit), or CPUID when there is none.
pub fn calibrate(pm_timer: Option<(u16, bool)>) -> Calibration {
    if let Some((port, wide)) = pm_timer {
        let mask: u32 = if wide { u32::MAX } else { 0x00ff_ffff };
        let start = cpu::inl(port) & mask;
        let tsc0 = cpu::rdtsc();
        let mut now = start;
        let mut spins = 0u64;
        while (now.wrapping_sub(start) & mask) < CALIBRATION_TICKS && spins < 100_000_000 {
            now = cpu::inl(port) & mask;
            spins += 1;
        }
        let ticks = u64::from(now.wrapping_sub(start) & mask);
        let tsc = cpu::rdtsc() - tsc0;
        if ticks >= u64::from(CALIBRATION_TICKS) {
            let per_us = tsc * PM_TIMER_HZ / ticks / 1_000_000;
            TSC_PER_US.store(per_us.max(1), Ordering::SeqCst);
            return Calibration::PmTimer;
        }
    }
    let (max_leaf, ..) = cpu::cpuid(0);
    if max_leaf >= 0x15 {
        let (denominator, numerator, crystal_hz, _) = cpu::cpuid(0x15);
        if denominator != 0 && numerator != 0 && crystal_hz != 0 {
            let hz = u64::from(crystal_hz) * u64::from(numerator) / u64::from(denominator);
            TSC_PER_US.store((hz / 1_000_000).max(1), Ordering::SeqCst);
            return Calibration::Cpuid;
        }
    }
    if let Some(khz) = crate::xen::tsc_khz() {
        TSC_PER_US.store((khz / 1_000).max(1), Ordering::SeqCst);
        return Calibration::Xen;
    }
    Calibration::Assumed
}

/// TSC ticks per microsecond.
pub fn tsc_per_us() -> u64 {
    TSC_PER_US.load(Ordering::Relaxed)
}

/// Microseconds since an arbitrary point (the TSC's zero).
pub fn now_us() -> u64 {
    cpu::rdtsc() / tsc_per_us()
}

/// Spins for `us` microseconds.
pub fn delay_us(us: u64) {
    let start = now_us();
    while now_us().wrapping_sub(start) < us {
        core::hint::spin_loop();
    }
}
