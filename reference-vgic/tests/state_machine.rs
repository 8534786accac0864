//! The interrupt state machine and prioritization shared by GICv2 and GICv3: acknowledge, EOI,
//! deactivate, priority mask, preemption and the running priority (IHI 0048B ch. 3 and §4.4;
//! IHI 0069H ch. 4 and the ICC_* registers).

mod common;

use common::*;
use reference_vgic::{Frame, Sysreg};

const SPURIOUS: u32 = 1023;

#[test]
fn level_irq_repends_after_eoi_while_line_high() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 40, 0x80);
    g.set_line(C0, 40, true);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 40);
    // Line still high: active and pending.
    assert!(is_active(&mut g, 40) && is_pending(&mut g, 40));
    wc(&mut g, C0, GICC_EOIR, 40);
    assert!(!is_active(&mut g, 40));
    assert_eq!(rc(&mut g, C0, GICC_IAR), 40);
}

#[test]
fn level_irq_stops_pending_when_line_drops() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 40, 0x80);
    g.set_line(C0, 40, true);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 40);
    g.set_line(C0, 40, false);
    wc(&mut g, C0, GICC_EOIR, 40);
    assert!(!is_pending(&mut g, 40));
    assert_eq!(rc(&mut g, C0, GICC_IAR), SPURIOUS);
}

#[test]
fn level_irq_set_pending_latch_survives_line_low() {
    let mut g = v2(1);
    v2_irq(&mut g, 41, 0x80);
    set_pending(&mut g, 41);
    g.set_line(C0, 41, true);
    g.set_line(C0, 41, false);
    assert!(is_pending(&mut g, 41));
    let (off, bit) = bit_reg(GICD_ICPENDR, 41);
    wd(&mut g, off, bit);
    assert!(!is_pending(&mut g, 41));
}

#[test]
fn clear_pending_keeps_level_irq_pending_while_line_high() {
    let mut g = v2(1);
    v2_irq(&mut g, 42, 0x80);
    g.set_line(C0, 42, true);
    let (off, bit) = bit_reg(GICD_ICPENDR, 42);
    wd(&mut g, off, bit);
    assert!(is_pending(&mut g, 42));
}

#[test]
fn edge_irq_latches_on_rising_edge_only() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 50, 0x80);
    set_edge(&mut g, 50);
    g.set_line(C0, 50, true);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 50);
    wc(&mut g, C0, GICC_EOIR, 50);
    // Still high, no new edge: nothing pending.
    g.set_line(C0, 50, true);
    assert!(!is_pending(&mut g, 50));
    g.set_line(C0, 50, false);
    g.set_line(C0, 50, true);
    assert!(is_pending(&mut g, 50));
}

#[test]
fn edge_irq_set_pending_while_active_becomes_active_pending() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 51, 0x80);
    set_edge(&mut g, 51);
    set_pending(&mut g, 51);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 51);
    set_pending(&mut g, 51);
    assert!(is_active(&mut g, 51) && is_pending(&mut g, 51));
    // Active and pending: not acknowledged again until deactivated.
    assert_eq!(rc(&mut g, C0, GICC_IAR), SPURIOUS);
    wc(&mut g, C0, GICC_EOIR, 51);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 51);
}

#[test]
fn eoimode1_eoir_drops_priority_but_keeps_active() {
    let mut g = v3(1);
    v3_enable(&mut g, C0);
    v3_spi(&mut g, 40, 0x80);
    g.sysreg_write(C0, Sysreg::Ctlr, 0b10);
    set_pending(&mut g, 40);
    assert_eq!(g.sysreg_read(C0, Sysreg::Iar1), 40);
    assert_eq!(g.sysreg_read(C0, Sysreg::Rpr), 0x80);
    g.sysreg_write(C0, Sysreg::Eoir1, 40);
    assert_eq!(g.sysreg_read(C0, Sysreg::Rpr), 0xff);
    assert!(is_active(&mut g, 40));
    g.sysreg_write(C0, Sysreg::Dir, 40);
    assert!(!is_active(&mut g, 40));
}

#[test]
fn eoimode0_dir_is_ignored() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 40, 0x80);
    set_pending(&mut g, 40);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 40);
    wc(&mut g, C0, GICC_DIR, 40);
    assert!(is_active(&mut g, 40));
}

#[test]
fn v2_eoimode1_needs_dir_to_deactivate() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    wc(&mut g, C0, GICC_CTLR, 0b111 | 1 << 9);
    v2_irq(&mut g, 40, 0x80);
    set_pending(&mut g, 40);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 40);
    wc(&mut g, C0, GICC_EOIR, 40);
    assert_eq!(rc(&mut g, C0, GICC_RPR), 0xff);
    assert!(is_active(&mut g, 40));
    wc(&mut g, C0, GICC_DIR, 40);
    assert!(!is_active(&mut g, 40));
}

#[test]
fn priority_mask_blocks_equal_priority() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 40, 0x80);
    set_pending(&mut g, 40);
    wc(&mut g, C0, GICC_PMR, 0x80);
    assert_eq!(rc(&mut g, C0, GICC_IAR), SPURIOUS);
    wc(&mut g, C0, GICC_PMR, 0x88);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 40);
}

#[test]
fn higher_priority_preempts_running_priority() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 40, 0x80);
    v2_irq(&mut g, 41, 0x40);
    set_pending(&mut g, 40);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 40);
    set_pending(&mut g, 41);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 41);
    assert_eq!(rc(&mut g, C0, GICC_RPR), 0x40);
    wc(&mut g, C0, GICC_EOIR, 41);
    assert_eq!(rc(&mut g, C0, GICC_RPR), 0x80);
    wc(&mut g, C0, GICC_EOIR, 40);
    assert_eq!(rc(&mut g, C0, GICC_RPR), 0xff);
}

#[test]
fn lower_or_equal_priority_does_not_preempt() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 40, 0x80);
    v2_irq(&mut g, 41, 0x80);
    v2_irq(&mut g, 42, 0xa0);
    set_pending(&mut g, 40);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 40);
    set_pending(&mut g, 41);
    set_pending(&mut g, 42);
    assert_eq!(rc(&mut g, C0, GICC_IAR), SPURIOUS);
    assert_eq!(rc(&mut g, C0, GICC_HPPIR), 41);
}

#[test]
fn binary_point_makes_subpriority_not_preempt() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    // BPR 4: group priority bits [7:5]; 0x80 and 0x88 share group priority 0x80.
    wc(&mut g, C0, GICC_BPR, 4);
    v2_irq(&mut g, 40, 0x88);
    v2_irq(&mut g, 41, 0x80);
    set_pending(&mut g, 40);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 40);
    assert_eq!(rc(&mut g, C0, GICC_RPR), 0x80);
    set_pending(&mut g, 41);
    assert_eq!(rc(&mut g, C0, GICC_IAR), SPURIOUS);
}

#[test]
fn bpr_write_below_minimum_sets_minimum() {
    let mut g = v2(1);
    // 5 priority bits: minimum GICC_BPR is 2 (IHI 0048B §4.4.3).
    wc(&mut g, C0, GICC_BPR, 0);
    assert_eq!(rc(&mut g, C0, GICC_BPR), 2);
    let mut g = v3(1);
    g.sysreg_write(C0, Sysreg::Bpr1, 0);
    assert_eq!(g.sysreg_read(C0, Sysreg::Bpr1), 3);
}

#[test]
fn running_priority_is_idle_after_reset() {
    let mut g = v2(1);
    assert_eq!(rc(&mut g, C0, GICC_RPR), 0xff);
    let mut g = v3(1);
    assert_eq!(g.sysreg_read(C0, Sysreg::Rpr), 0xff);
}

#[test]
fn iar_prefers_lowest_intid_on_equal_priority() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 45, 0x80);
    v2_irq(&mut g, 44, 0x80);
    set_pending(&mut g, 45);
    set_pending(&mut g, 44);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 44);
}

#[test]
fn disabled_irq_is_not_acknowledged() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 40, 0x80);
    let (off, bit) = bit_reg(GICD_ICENABLER, 40);
    wd(&mut g, off, bit);
    set_pending(&mut g, 40);
    assert_eq!(rc(&mut g, C0, GICC_IAR), SPURIOUS);
    assert_eq!(rc(&mut g, C0, GICC_HPPIR), SPURIOUS);
}

#[test]
fn distributor_group_disable_hides_pending_irq() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 40, 0x80);
    set_pending(&mut g, 40);
    wd(&mut g, GICD_CTLR, 0);
    assert_eq!(rc(&mut g, C0, GICC_IAR), SPURIOUS);
    wd(&mut g, GICD_CTLR, 1);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 40);
}

#[test]
fn v2_group1_iar_returns_1022_without_ackctl() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    wc(&mut g, C0, GICC_CTLR, 0b011);
    v2_irq(&mut g, 40, 0x80);
    let (off, bit) = bit_reg(GICD_IGROUPR, 40);
    wd(&mut g, off, bit);
    set_pending(&mut g, 40);
    assert_eq!(rc(&mut g, C0, GICC_HPPIR), 1022);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 1022);
    assert!(!is_active(&mut g, 40));
    // The Group 1 alias acknowledges it.
    assert_eq!(rc(&mut g, C0, GICC_AIAR), 40);
}

#[test]
fn hppir_ignores_priority_mask_but_iar_does_not() {
    let mut g = v3(1);
    v3_enable(&mut g, C0);
    v3_spi(&mut g, 40, 0x80);
    set_pending(&mut g, 40);
    g.sysreg_write(C0, Sysreg::Pmr, 0x40);
    assert_eq!(g.sysreg_read(C0, Sysreg::Hppir1), 40);
    assert_eq!(g.sysreg_read(C0, Sysreg::Iar1), u64::from(SPURIOUS));
}

#[test]
fn hppir_spurious_when_group_disabled_at_cpu_interface() {
    let mut g = v3(1);
    v3_enable(&mut g, C0);
    v3_spi(&mut g, 40, 0x80);
    set_pending(&mut g, 40);
    g.sysreg_write(C0, Sysreg::Igrpen1, 0);
    assert_eq!(g.sysreg_read(C0, Sysreg::Hppir1), u64::from(SPURIOUS));
}

#[test]
fn ap1r0_records_active_priority_and_write_zero_clears() {
    let mut g = v3(1);
    v3_enable(&mut g, C0);
    v3_spi(&mut g, 40, 0x80);
    set_pending(&mut g, 40);
    assert_eq!(g.sysreg_read(C0, Sysreg::Iar1), 40);
    // 5 priority bits: level = priority >> 3.
    assert_eq!(g.sysreg_read(C0, Sysreg::Ap1r0), 1 << (0x80 >> 3));
    g.sysreg_write(C0, Sysreg::Ap1r0, 0);
    assert_eq!(g.sysreg_read(C0, Sysreg::Rpr), 0xff);
}

#[test]
fn v2_apr0_records_group0_active_priority() {
    let mut g = v2(1);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 40, 0x20);
    set_pending(&mut g, 40);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 40);
    assert_eq!(rc(&mut g, C0, GICC_APR0), 1 << (0x20 >> 3));
}

#[test]
fn v3_asleep_redistributor_forwards_nothing() {
    let mut g = v3(1);
    v3_enable(&mut g, C0);
    v3_spi(&mut g, 40, 0x80);
    set_pending(&mut g, 40);
    g.mmio_write(C0, Frame::Redistributor(C0), GICR_WAKER, 4, 0b10);
    assert_eq!(g.sysreg_read(C0, Sysreg::Iar1), u64::from(SPURIOUS));
    g.mmio_write(C0, Frame::Redistributor(C0), GICR_WAKER, 4, 0);
    assert_eq!(g.sysreg_read(C0, Sysreg::Iar1), 40);
}

#[test]
fn timer_ppi_is_banked_per_cpu() {
    let mut g = v3(2);
    v3_enable(&mut g, C0);
    v3_enable(&mut g, C1);
    v3_private(&mut g, C0, 27, 0x80);
    v3_private(&mut g, C1, 27, 0x80);
    g.set_line(C1, 27, true);
    assert_eq!(g.sysreg_read(C0, Sysreg::Iar1), u64::from(SPURIOUS));
    assert_eq!(g.sysreg_read(C1, Sysreg::Iar1), 27);
}
