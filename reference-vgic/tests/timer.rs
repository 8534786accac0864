//! The EL1 virtual timer with injected time (Arm ARM D11.2).

use reference_vgic::{TimerReg, VirtualTimer};

#[test]
fn timer_output_rises_when_count_reaches_cval() {
    let mut t = VirtualTimer::new();
    t.write(TimerReg::Cval, 100, 0);
    t.write(TimerReg::Ctl, 1, 0);
    assert!(!t.output(99));
    assert!(t.output(100));
    assert_eq!(t.read(TimerReg::Ctl, 100), 0b101);
}

#[test]
fn timer_tval_reads_signed_difference_and_write_sets_cval() {
    let mut t = VirtualTimer::new();
    t.write(TimerReg::Tval, 50, 1000);
    assert_eq!(t.read(TimerReg::Cval, 0), 1050);
    assert_eq!(t.read(TimerReg::Tval, 1000), 50);
    // After expiry TVAL is negative in 32 bits.
    assert_eq!(t.read(TimerReg::Tval, 1060), u64::from((-10i32) as u32));
    // A negative TVAL write sets CVAL in the past.
    t.write(TimerReg::Tval, u64::from((-5i32) as u32), 1000);
    assert_eq!(t.read(TimerReg::Cval, 0), 995);
}

#[test]
fn timer_imask_masks_output_but_not_istatus() {
    let mut t = VirtualTimer::new();
    t.write(TimerReg::Ctl, 0b011, 0);
    assert!(!t.output(10));
    assert_eq!(t.read(TimerReg::Ctl, 10), 0b111);
}

#[test]
fn disabled_timer_has_no_output_and_istatus_zero() {
    let mut t = VirtualTimer::new();
    t.write(TimerReg::Ctl, 0b100, 0);
    assert!(!t.output(10));
    assert_eq!(t.read(TimerReg::Ctl, 10), 0);
}

#[test]
fn timer_count_is_read_only() {
    let mut t = VirtualTimer::new();
    t.write(TimerReg::Count, 5, 42);
    assert_eq!(t.read(TimerReg::Count, 42), 42);
}
