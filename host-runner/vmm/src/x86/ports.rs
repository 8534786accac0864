//! The I/O ports the VMM serves besides COM1 ([`super::com1`]): the ACPI PM timer and PM1
//! blocks the FADT names (ACPI 6.5 §4.8.3: PM1 event and control blocks, the 24/32-bit PM
//! timer at 3.579545 MHz), QEMU's `isa-debug-exit` convention at 0xF4, and the legacy PIC's
//! data ports (masking writes are accepted and have nothing to mask when the PIC is not KVM's).

/// The PM1a event block (status and enable, 2 bytes each).
pub const PM1A_EVT: u16 = 0x600;
/// The PM1a control block.
pub const PM1A_CNT: u16 = 0x604;
/// The PM timer (32 bits: the FADT sets TMR_VAL_EXT).
pub const PM_TMR: u16 = 0x608;
/// `isa-debug-exit`: the guest writes its exit value here (`irqsuite.debug-exit=0xf4`).
pub const DEBUG_EXIT: u16 = 0xf4;
/// The guest command-line parameter naming [`DEBUG_EXIT`].
pub const DEBUG_EXIT_PARAM: &str = "irqsuite.debug-exit=0xf4";
/// The master and slave 8259 data ports (interrupt mask registers).
pub const PIC_DATA: [u16; 2] = [0x21, 0xa1];

/// PM1_CNT.SLP_EN (ACPI 6.5 Table 4.13): the write that enters the sleep state in SLP_TYP.
const SLP_EN: u16 = 1 << 13;
/// The PM timer's frequency.
pub const PM_TIMER_HZ: u64 = 3_579_545;

/// The PM timer's value `ns` nanoseconds after the VM started (32 bits, wrapping).
pub fn pm_timer(ns: u64) -> u32 {
    (u128::from(ns) * u128::from(PM_TIMER_HZ) / 1_000_000_000) as u32
}

/// Whether a PM1a_CNT write enters a sleep state (the guest's ACPI soft-off: SLP_TYP of
/// `\_S5` with SLP_EN; this machine has no other sleep state, so any SLP_EN write powers off).
pub fn is_sleep(pm1_cnt: u16) -> bool {
    pm1_cnt & SLP_EN != 0
}

/// How a guest's `isa-debug-exit` write ends it: 0 is the guest's success (`exit::SUCCESS`),
/// anything else a failure.
pub fn debug_exit(value: u32) -> Result<String, String> {
    match value {
        0 => Ok("the guest ended through isa-debug-exit (0: done)".into()),
        v => Err(format!("the guest gave up through isa-debug-exit ({v})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pm_timer_counts_at_3_579545_mhz_and_wraps_at_32_bits() {
        assert_eq!(pm_timer(0), 0);
        assert_eq!(pm_timer(1_000_000_000), 3_579_545);
        assert_eq!(pm_timer(10_000_000), 35_795);
        let wrap_ns = (1u64 << 32) * 1_000_000_000 / PM_TIMER_HZ + 1_000;
        assert!(pm_timer(wrap_ns) < 10_000, "wrapped");
    }

    #[test]
    fn only_a_write_with_slp_en_is_a_sleep_and_only_zero_a_successful_exit() {
        assert!(is_sleep(5 << 10 | 1 << 13));
        assert!(!is_sleep(5 << 10));
        assert!(debug_exit(0).is_ok());
        assert!(debug_exit(1).is_err());
    }
}
