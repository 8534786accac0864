//! Behaviours of the list-register layer, one per test: flush order and maintenance
//! requests, fold retiring and re-pending, EOIcount, hardware interrupts, trapped DIR, GICv2
//! SGI sources, ap_list migration (IHI 0048B chapter 5, IHI 0069H §4.4 and §12.4).

mod common;

use common::*;
use reference_vgic::lr::{ListRegister, LrState};
use reference_vgic::{
    CpuId, DirResult, Effect, EoiMode, Frame, Gic, GicConfig, Group, VcpuIf, Version, Vgic,
};

/// GICv3, one CPU, Group 1 enabled, SPIs `ids` enabled at their priorities and pending
/// (edge-triggered).
fn v3_with_pending(ids: &[(u32, u8)]) -> Vgic {
    let mut g = v3(1);
    v3_enable(&mut g, C0);
    for &(n, prio) in ids {
        v3_spi(&mut g, n, prio);
        set_edge(&mut g, n);
        set_pending(&mut g, n);
    }
    Vgic::new(g)
}

fn vcpu_if(g: &Gic) -> VcpuIf {
    let mut vif = VcpuIf::new(g.config());
    vif.set_group_enable(Group::G1, true);
    vif.set_group_enable(Group::G0, g.config().version == Version::V2);
    vif.set_ack_ctl(true);
    vif.set_pmr(0xff);
    vif
}

fn ids(lrs: &[ListRegister]) -> Vec<(u32, LrState)> {
    lrs.iter()
        .filter(|lr| lr.is_valid())
        .map(|lr| (lr.vintid, lr.state))
        .collect()
}

#[test]
fn flush_puts_the_highest_priority_entries_first() {
    let mut v = v3_with_pending(&[(40, 0x80), (41, 0x20), (42, 0x20), (43, 0x40)]);
    let f = v.flush(C0, 3);
    use LrState::Pending;
    assert_eq!(ids(&f.lrs), [(41, Pending), (42, Pending), (43, Pending)]);
}

#[test]
fn flush_clears_the_registers_it_does_not_use() {
    let mut v = v3_with_pending(&[(40, 0x80)]);
    let f = v.flush(C0, 4);
    assert_eq!(f.lrs.len(), 4);
    assert!(f.lrs[1..].iter().all(|lr| *lr == ListRegister::CLEARED));
    assert!(!f.underflow_requested && !f.npie && !f.lrenpie && !f.trap_dir);
}

#[test]
fn overflow_requests_underflow_maintenance() {
    let mut v = v3_with_pending(&[(40, 0x80), (41, 0x20), (42, 0x30)]);
    let f = v.flush(C0, 2);
    assert!(f.underflow_requested && f.npie && f.hcr().uie);
    // The underflow condition (at most one valid register) does not hold at entry.
    let mut vif = vcpu_if(v.gic());
    vif.load(&f);
    assert!(!vif.maintenance_asserted());
    // After the guest handled one, it does: the hypervisor gets to refill.
    let id = vif.ack();
    vif.eoi(id);
    assert!(vif.misr().underflow && vif.maintenance_asserted());
}

#[test]
fn one_list_register_never_requests_underflow_but_no_pending() {
    let mut v = v3_with_pending(&[(40, 0x80), (41, 0x20)]);
    let f = v.flush(C0, 1);
    assert!(
        !f.underflow_requested,
        "U would hold at entry with one register"
    );
    assert!(f.npie);
    let mut vif = vcpu_if(v.gic());
    vif.load(&f);
    assert!(!vif.maintenance_asserted());
    assert_eq!(vif.ack(), 41);
    assert!(vif.misr().np && vif.maintenance_asserted());
}

#[test]
fn active_entries_keep_their_registers_before_pending_ones() {
    let mut v = v3_with_pending(&[(40, 0x80), (41, 0x20), (42, 0x30)]);
    let mut vif = vcpu_if(v.gic());
    vif.load(&v.flush(C0, 3));
    assert_eq!(vif.ack(), 41);
    v.fold(C0, vif.lrs(), vif.eoi_count());
    let f = v.flush(C0, 2);
    assert_eq!(ids(&f.lrs), [(41, LrState::Active), (42, LrState::Pending)]);
}

#[test]
fn the_highest_pending_entry_gets_a_register_even_when_active_ones_fill_them() {
    let mut v = v3_with_pending(&[(40, 0x80)]);
    let mut vif = vcpu_if(v.gic());
    vif.load(&v.flush(C0, 1));
    assert_eq!(vif.ack(), 40);
    v.fold(C0, vif.lrs(), 0);
    set_pending(v.gic_mut(), 41); // not enabled yet
    v3_spi(v.gic_mut(), 41, 0x20);
    let f = v.flush(C0, 1);
    assert_eq!(ids(&f.lrs), [(41, LrState::Pending)]);
    assert!(f.lrenpie && f.trap_dir, "40 is active without a register");
    vif.load(&f);
    assert_eq!(vif.ack(), 41, "41 preempts 40");
}

#[test]
fn fold_retires_an_eoied_interrupt() {
    let mut v = v3_with_pending(&[(40, 0x80)]);
    let mut vif = vcpu_if(v.gic());
    vif.load(&v.flush(C0, 4));
    assert_eq!(vif.ack(), 40);
    assert_eq!(vif.eoi(40), None);
    assert_eq!(vif.lrs()[0].state, LrState::Invalid);
    v.fold(C0, vif.lrs(), vif.eoi_count());
    assert!(!is_pending(v.gic_mut(), 40) && !is_active(v.gic_mut(), 40));
    assert!(v.ap_list(C0).is_empty());
}

#[test]
fn fold_turns_an_acknowledge_into_active_and_clears_the_latch() {
    let mut v = v3_with_pending(&[(40, 0x80)]);
    let mut vif = vcpu_if(v.gic());
    vif.load(&v.flush(C0, 4));
    assert_eq!(vif.ack(), 40);
    v.fold(C0, vif.lrs(), 0);
    assert!(!is_pending(v.gic_mut(), 40) && is_active(v.gic_mut(), 40));
}

#[test]
fn fold_without_a_flush_changes_nothing() {
    let mut v = v3_with_pending(&[(40, 0x80)]);
    let acked = ListRegister {
        vintid: 40,
        state: LrState::Active,
        ..ListRegister::CLEARED
    };
    assert!(v.fold(C0, &[acked], 3).is_empty());
    assert!(is_pending(v.gic_mut(), 40) && !is_active(v.gic_mut(), 40));
}

#[test]
fn level_interrupt_repends_after_fold_while_line_high() {
    let mut g = v3(1);
    v3_enable(&mut g, C0);
    v3_spi(&mut g, 40, 0x80); // level-sensitive by reset
    g.set_line(C0, 40, true);
    let mut v = Vgic::new(g);
    let mut vif = vcpu_if(v.gic());
    let f = v.flush(C0, 4);
    assert!(
        f.lrs[0].eoi_maintenance,
        "a level interrupt resamples at EOI"
    );
    vif.load(&f);
    assert_eq!(vif.ack(), 40);
    vif.eoi(40);
    assert!(vif.misr().eoi && vif.maintenance_asserted());
    v.fold(C0, vif.lrs(), vif.eoi_count());
    assert!(is_pending(v.gic_mut(), 40) && !is_active(v.gic_mut(), 40));
    let f = v.flush(C0, 4);
    assert_eq!(ids(&f.lrs), [(40, LrState::Pending)]);
    // Line low: the next fold retires it.
    vif.load(&f);
    assert_eq!(vif.ack(), 40);
    v.gic_mut().set_line(C0, 40, false);
    vif.eoi(40);
    v.fold(C0, vif.lrs(), 0);
    assert!(!is_pending(v.gic_mut(), 40) && v.ap_list(C0).is_empty());
}

#[test]
fn hw_interrupt_deactivation_is_forwarded_to_the_physical_intid() {
    let mut g = v3(1);
    v3_enable(&mut g, C0);
    v3_private(&mut g, C0, 27, 0x80);
    g.set_line(C0, 27, true);
    let mut v = Vgic::new(g);
    v.map_hw(C0, 27, 30);
    let f = v.flush(C0, 4);
    assert_eq!(f.lrs[0].pintid, Some(30));
    assert!(!f.lrs[0].eoi_maintenance, "HW = 1 has no EOI bit");
    let mut vif = vcpu_if(v.gic());
    vif.load(&f);
    assert_eq!(vif.ack(), 27);
    assert_eq!(vif.eoi(27), Some(Effect::DeactivatePhysical(30)));
    v.fold(C0, vif.lrs(), vif.eoi_count());
    assert!(!is_active_private(v.gic_mut(), 27));
}

fn is_active_private(g: &mut Gic, n: u32) -> bool {
    g.mmio_read(C0, Frame::RedistributorSgi(C0), GICD_ISACTIVER, 4) & (1 << n) != 0
}

#[test]
fn a_hw_interrupt_deactivated_through_eoicount_is_forwarded_by_fold() {
    let mut g = v3(1);
    v3_enable(&mut g, C0);
    v3_spi(&mut g, 40, 0x80);
    set_edge(&mut g, 40);
    set_pending(&mut g, 40);
    let mut v = Vgic::new(g);
    v.map_hw(C0, 40, 72);
    let mut vif = vcpu_if(v.gic());
    vif.load(&v.flush(C0, 1));
    assert_eq!(vif.ack(), 40);
    v.fold(C0, vif.lrs(), 0);
    v3_spi(v.gic_mut(), 41, 0x20);
    set_edge(v.gic_mut(), 41);
    set_pending(v.gic_mut(), 41);
    vif.load(&v.flush(C0, 1)); // 41 takes the register, 40 is left out
    assert_eq!(vif.ack(), 41);
    assert_eq!(vif.eoi(41), None);
    assert_eq!(
        vif.eoi(40),
        None,
        "no register: the hardware cannot forward it"
    );
    assert_eq!(vif.eoi_count(), 1);
    assert_eq!(
        v.fold(C0, vif.lrs(), vif.eoi_count()),
        [Effect::DeactivatePhysical(72)]
    );
    assert!(!is_active(v.gic_mut(), 40));
}

#[test]
fn eoi_of_an_interrupt_not_in_the_lrs_increments_eoicount() {
    let mut v = v3_with_pending(&[(40, 0x80)]);
    let mut vif = vcpu_if(v.gic());
    vif.load(&v.flush(C0, 1));
    assert_eq!(vif.ack(), 40);
    v.fold(C0, vif.lrs(), 0);
    v3_spi(v.gic_mut(), 41, 0x20);
    set_edge(v.gic_mut(), 41);
    set_pending(v.gic_mut(), 41);
    let f = v.flush(C0, 1);
    assert!(f.lrenpie);
    vif.load(&f);
    assert_eq!(vif.ack(), 41);
    vif.eoi(41);
    assert_eq!(vif.eoi_count(), 0);
    vif.eoi(40);
    assert_eq!(vif.eoi_count(), 1);
    assert!(vif.misr().lrenp && vif.maintenance_asserted());
    v.fold(C0, vif.lrs(), vif.eoi_count());
    assert!(!is_active(v.gic_mut(), 40) && !is_active(v.gic_mut(), 41));
    assert_eq!(vif.rpr(), 0xff);
}

#[test]
fn an_eoi_that_drops_no_priority_does_not_count() {
    let v = v3_with_pending(&[]);
    let mut vif = vcpu_if(v.gic());
    vif.eoi(40);
    assert_eq!(vif.eoi_count(), 0);
}

#[test]
fn eoicount_deactivates_the_most_recently_acknowledged_left_out_interrupt_first() {
    // Three nested acknowledges (40, then 41, then 42 preempting), one register.
    let mut v = v3_with_pending(&[(40, 0x80)]);
    let mut vif = vcpu_if(v.gic());
    for (n, prio) in [(40, 0x80), (41, 0x40), (42, 0x20)] {
        if n != 40 {
            v3_spi(v.gic_mut(), n, prio);
            set_edge(v.gic_mut(), n);
            set_pending(v.gic_mut(), n);
        }
        vif.load(&v.flush(C0, 1));
        assert_eq!(vif.ack(), n);
        v.fold(C0, vif.lrs(), 0);
    }
    // 42 (most recent) is in the register; 41 and 40 are not.
    let f = v.flush(C0, 1);
    assert_eq!(ids(&f.lrs), [(42, LrState::Active)]);
    vif.load(&f);
    vif.eoi(42);
    vif.eoi(41);
    v.fold(C0, vif.lrs(), vif.eoi_count());
    assert!(is_active(v.gic_mut(), 40));
    assert!(!is_active(v.gic_mut(), 41) && !is_active(v.gic_mut(), 42));
}

#[test]
fn a_dir_of_a_left_out_interrupt_traps_and_is_emulated_after_fold() {
    let mut v = v3_with_pending(&[(40, 0x80)]);
    let mut vif = vcpu_if(v.gic());
    vif.set_eoi_mode_split(true);
    vif.load(&v.flush(C0, 1));
    assert_eq!(vif.ack(), 40);
    vif.eoi(40); // priority drop only
    v.fold(C0, vif.lrs(), 0);
    v3_spi(v.gic_mut(), 41, 0x20);
    set_edge(v.gic_mut(), 41);
    set_pending(v.gic_mut(), 41);
    let f = v.flush(C0, 1);
    assert!(f.trap_dir && f.hcr().tdir);
    vif.load(&f);
    assert_eq!(vif.dir(40), DirResult::Trapped);
    v.fold(C0, vif.lrs(), vif.eoi_count());
    assert!(v.emulate_dir(C0, 40, EoiMode::Split).is_empty());
    assert!(!is_active(v.gic_mut(), 40));
}

#[test]
fn dir_deactivates_a_register_with_eoimode_1_and_is_ignored_with_eoimode_0() {
    let mut v = v3_with_pending(&[(40, 0x80)]);
    let mut vif = vcpu_if(v.gic());
    vif.load(&v.flush(C0, 2));
    assert_eq!(vif.ack(), 40);
    assert_eq!(vif.dir(40), DirResult::Done(None));
    assert_eq!(vif.lrs()[0].state, LrState::Active);
    vif.set_eoi_mode_split(true);
    vif.eoi(40);
    assert_eq!(vif.lrs()[0].state, LrState::Active, "EOImode 1: drop only");
    vif.dir(40);
    assert_eq!(vif.lrs()[0].state, LrState::Invalid);
}

#[test]
fn a_deactivated_active_pending_interrupt_does_not_overtake_a_pending_one_without_a_register() {
    // 26 is level-sensitive with its line high, and gets acknowledged; 28 and 29 (the same
    // priority) wait; two registers.
    let mut g = v3(1);
    v3_enable(&mut g, C0);
    for n in [26, 28, 29] {
        v3_private(&mut g, C0, n, 0);
    }
    g.set_line(C0, 26, true);
    for n in [28, 29] {
        g.mmio_write(C0, Frame::RedistributorSgi(C0), GICD_ISPENDR, 4, 1 << n);
    }
    let mut v = Vgic::new(g);
    let mut vif = vcpu_if(v.gic());
    vif.load(&v.flush(C0, 2));
    assert_eq!(vif.ack(), 26);
    v.fold(C0, vif.lrs(), 0);
    let f = v.flush(C0, 2);
    assert_eq!(
        ids(&f.lrs),
        [(26, LrState::Active), (28, LrState::Pending)],
        "not Active+Pending while 29 has no register"
    );
    vif.load(&f);
    vif.eoi(26);
    assert!(vif.maintenance_asserted(), "EOI maintenance resamples 26");
}

#[test]
fn a_gicv2_sgi_from_two_sources_shows_one_source_at_a_time() {
    let mut g = v2(2);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 3, 0x80);
    // SGI 3 to CPU 0 from CPU 0 and from CPU 1.
    g.mmio_write(C0, Frame::Distributor, GICD_SGIR, 4, 1 << 16 | 3);
    g.mmio_write(C1, Frame::Distributor, GICD_SGIR, 4, 1 << 16 | 3);
    let mut v = Vgic::new(g);
    let mut vif = vcpu_if(v.gic());
    let f = v.flush(C0, 4);
    assert_eq!(
        ids(&f.lrs),
        [(3, LrState::Pending)],
        "one register per vINTID"
    );
    assert_eq!(f.lrs[0].source_cpu, 0);
    assert!(
        f.lrs[0].eoi_maintenance,
        "the other source waits for the EOI"
    );
    vif.load(&f);
    assert_eq!(vif.ack(), 3);
    vif.eoi(3);
    assert!(vif.maintenance_asserted());
    v.fold(C0, vif.lrs(), vif.eoi_count());
    let f = v.flush(C0, 4);
    assert_eq!(f.lrs[0].source_cpu, 1);
    vif.load(&f);
    assert_eq!(vif.ack(), 1 << 10 | 3, "GICV_IAR reports CPUID 1");
}

#[test]
fn prune_moves_a_pending_spi_to_its_new_target() {
    let mut g = Gic::new(GicConfig::new(Version::V2, 2, 2, 5));
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 40, 0x80); // targets CPU 0
    set_pending(&mut g, 40);
    let mut v = Vgic::new(g);
    v.flush(C0, 4);
    assert_eq!(v.ap_list(C0).len(), 1);
    v.fold(C0, &[], 0);
    v.gic_mut()
        .mmio_write(C0, Frame::Distributor, GICD_ITARGETSR + 40, 1, 0b10);
    let f = v.flush(C0, 4);
    assert!(ids(&f.lrs).is_empty() && v.ap_list(C0).is_empty());
    assert_eq!(v.ap_list(CpuId(1)).first().map(|e| e.intid), Some(40));
    let f = v.flush(CpuId(1), 4);
    assert_eq!(ids(&f.lrs), [(40, LrState::Pending)]);
}

#[test]
fn a_disabled_pending_interrupt_gets_no_register() {
    let mut v = v3_with_pending(&[(40, 0x80)]);
    let (off, bit) = bit_reg(GICD_ICENABLER, 40);
    wd(v.gic_mut(), off, bit);
    assert!(ids(&v.flush(C0, 4).lrs).is_empty());
}

#[test]
fn a_vcpu_has_work_once_an_spi_is_pending_for_it_and_not_for_another() {
    let mut g = v3(2);
    v3_enable(&mut g, C0);
    v3_enable(&mut g, C1);
    let v = Vgic::new(g);
    assert!(!v.has_work(C0) && !v.has_work(C1));
    let v = {
        let mut g = v.gic().clone();
        v3_spi(&mut g, 40, 0x80);
        set_pending(&mut g, 40);
        Vgic::new(g)
    };
    assert!(v.has_work(C0), "SPI 40 is routed to CPU 0 and pending");
    assert!(!v.has_work(C1), "nothing is pending or active for CPU 1");
}

#[test]
fn a_vcpu_keeps_work_while_its_ap_list_holds_an_active_entry() {
    let mut v = v3_with_pending(&[(40, 0x80)]);
    let f = v.flush(C0, 4);
    let mut lrs = f.lrs.clone();
    lrs[0].state = LrState::Active;
    v.fold(C0, &lrs, 0);
    assert!(v.has_work(C0));
    v.flush(C0, 4);
    v.fold(
        C0,
        &[ListRegister {
            state: LrState::Invalid,
            ..f.lrs[0]
        }],
        0,
    );
    assert!(
        !v.has_work(C0),
        "deactivated and no longer pending: nothing left"
    );
}

#[test]
fn a_nonexistent_vcpu_has_no_work() {
    let v = v3_with_pending(&[(40, 0x80)]);
    assert!(!v.has_work(CpuId(7)));
}
