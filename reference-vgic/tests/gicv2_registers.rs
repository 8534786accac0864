//! GICv2 distributor and CPU interface registers as a guest observes them (IHI 0048B §4.3,
//! §4.4, tables 4-1 and 4-2), including RAZ/WI and the dispatcher's access rules.

mod common;

use common::*;
use reference_vgic::{AccessKind, CpuId, Frame, IgnoreReason};

#[test]
fn reserved_distributor_offset_reads_zero_and_ignores_writes() {
    let mut g = v2(1);
    for off in [0x010, 0x01c, 0x7fc, 0xbfc, 0xf04, 0xf0c, 0xf30] {
        wd(&mut g, off, 0xffff_ffff);
        assert_eq!(rd(&mut g, off), 0, "offset {off:#x}");
    }
    let ignored = g.take_ignored();
    assert_eq!(ignored.len(), 14);
    assert!(ignored.iter().all(|a| a.reason == IgnoreReason::Unmapped));
    assert_eq!(ignored[0].kind, AccessKind::Write(0xffff_ffff));
    assert!(g.take_ignored().is_empty(), "drained");
}

#[test]
fn typer_ignores_writes() {
    let mut g = reference_vgic::Gic::new(reference_vgic::GicConfig::new(
        reference_vgic::Version::V2,
        4,
        2,
        5,
    ));
    let typer = rd(&mut g, GICD_TYPER);
    // ITLinesNumber 2, CPUNumber 3, SecurityExtn 0.
    assert_eq!(typer, 2 | 3 << 5);
    wd(&mut g, GICD_TYPER, 0);
    assert_eq!(rd(&mut g, GICD_TYPER), typer);
    wd(&mut g, GICD_IIDR, 0);
    assert_eq!(rd(&mut g, GICD_IIDR), 0x43b);
    assert!(
        g.take_ignored().is_empty(),
        "RO registers are mapped, not ignored"
    );
}

#[test]
fn ctlr_keeps_only_group_enables() {
    let mut g = v2(1);
    wd(&mut g, GICD_CTLR, 0xffff_ffff);
    assert_eq!(rd(&mut g, GICD_CTLR), 0b11);
}

#[test]
fn ipriorityr_byte_write_keeps_only_implemented_bits() {
    let mut g = v2(1);
    g.mmio_write(C0, Frame::Distributor, GICD_IPRIORITYR + 33, 1, 0xff);
    assert_eq!(
        g.mmio_read(C0, Frame::Distributor, GICD_IPRIORITYR + 33, 1),
        0xf8
    );
    // The word view shows the byte in lane 1.
    assert_eq!(rd(&mut g, GICD_IPRIORITYR + 32), 0xf800);
}

#[test]
fn ipriorityr_word_write_sets_four_priorities() {
    let mut g = v2(1);
    wd(&mut g, GICD_IPRIORITYR + 40, 0x1122_3344);
    for (i, want) in [0x40u64, 0x30, 0x20, 0x10].into_iter().enumerate() {
        let off = GICD_IPRIORITYR + 40 + i as u32;
        assert_eq!(g.mmio_read(C0, Frame::Distributor, off, 1), want);
    }
}

#[test]
fn unimplemented_intids_are_raz_wi() {
    let mut g = v2(1); // 96 INTIDs
    wd(&mut g, GICD_ISENABLER + 12, 0xffff_ffff); // INTIDs 96..127
    assert_eq!(rd(&mut g, GICD_ISENABLER + 12), 0);
    assert!(
        g.take_ignored().is_empty(),
        "architectural RAZ/WI, not a dispatcher miss"
    );
}

#[test]
fn itargetsr_sgi_ppi_entries_read_accessing_cpu() {
    let mut g = v2(2);
    let c1 = CpuId(1);
    assert_eq!(
        g.mmio_read(C0, Frame::Distributor, GICD_ITARGETSR, 4),
        0x0101_0101
    );
    assert_eq!(
        g.mmio_read(c1, Frame::Distributor, GICD_ITARGETSR + 28, 4),
        0x0202_0202
    );
    g.mmio_write(C0, Frame::Distributor, GICD_ITARGETSR, 4, 0);
    assert_eq!(
        g.mmio_read(C0, Frame::Distributor, GICD_ITARGETSR, 4),
        0x0101_0101
    );
}

#[test]
fn itargetsr_spi_keeps_only_implemented_cpus() {
    let mut g = v2(2);
    g.mmio_write(C0, Frame::Distributor, GICD_ITARGETSR + 40, 1, 0xff);
    assert_eq!(
        g.mmio_read(C0, Frame::Distributor, GICD_ITARGETSR + 40, 1),
        0b11
    );
}

#[test]
fn itargetsr_is_raz_wi_on_a_uniprocessor() {
    let mut g = v2(1);
    g.mmio_write(C0, Frame::Distributor, GICD_ITARGETSR + 40, 1, 1);
    assert_eq!(rd(&mut g, GICD_ITARGETSR), 0);
    assert_eq!(rd(&mut g, GICD_ITARGETSR + 40), 0);
}

#[test]
fn spi_targeted_at_other_cpu_is_not_acknowledged() {
    let mut g = v2(2);
    v2_enable(&mut g, C0);
    v2_enable(&mut g, C1);
    v2_irq(&mut g, 40, 0x80);
    g.mmio_write(C0, Frame::Distributor, GICD_ITARGETSR + 40, 1, 0b10);
    set_pending(&mut g, 40);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 1023);
    assert_eq!(rc(&mut g, C1, GICC_IAR), 40);
}

#[test]
fn icfgr_sgis_read_edge_and_ignore_writes() {
    let mut g = v2(1);
    wd(&mut g, GICD_ICFGR, 0);
    assert_eq!(rd(&mut g, GICD_ICFGR), 0xaaaa_aaaa);
    // PPIs: read-only, level-sensitive (irqsuite's choice).
    wd(&mut g, GICD_ICFGR + 4, 0xffff_ffff);
    assert_eq!(rd(&mut g, GICD_ICFGR + 4), 0);
}

#[test]
fn icfgr_spi_int_config0_is_res0() {
    let mut g = v2(1);
    wd(&mut g, GICD_ICFGR + 8, 0xffff_ffff);
    assert_eq!(rd(&mut g, GICD_ICFGR + 8), 0xaaaa_aaaa);
}

#[test]
fn ispendr0_sgi_bits_are_wi_on_v2() {
    let mut g = v2(1);
    wd(&mut g, GICD_ISPENDR, 0xffff);
    assert_eq!(rd(&mut g, GICD_ISPENDR), 0);
    // PPI bits are writable.
    wd(&mut g, GICD_ISPENDR, 1 << 20);
    assert_eq!(rd(&mut g, GICD_ISPENDR), 1 << 20);
}

#[test]
fn sgi_to_self_v2_reports_source_cpu() {
    let mut g = v2(2);
    let c1 = CpuId(1);
    v2_enable(&mut g, c1);
    v2_irq(&mut g, 3, 0x80); // banked: enables SGI 3 of CPU 0 only
    g.mmio_write(c1, Frame::Distributor, GICD_ISENABLER, 4, 1 << 3);
    // TargetListFilter 0b10: the requester only.
    g.mmio_write(c1, Frame::Distributor, GICD_SGIR, 4, 0b10 << 24 | 3);
    assert_eq!(rc(&mut g, c1, GICC_IAR), 1 << 10 | 3);
    wc(&mut g, c1, GICC_EOIR, 1 << 10 | 3);
    assert_eq!(rc(&mut g, c1, GICC_RPR), 0xff);
}

#[test]
fn sgi_target_list_v2_pends_on_listed_cpus_only() {
    let mut g = v2(2);
    v2_enable(&mut g, C0);
    v2_irq(&mut g, 5, 0x80);
    g.mmio_write(C1, Frame::Distributor, GICD_SGIR, 4, 0b01 << 16 | 5);
    assert_eq!(rc(&mut g, C0, GICC_IAR), 1 << 10 | 5);
    // Nothing reached CPU 1.
    assert_eq!(g.mmio_read(C1, Frame::Distributor, GICD_ISPENDR, 4), 0);
}

#[test]
fn spendsgir_shows_pending_sources() {
    let mut g = v2(2);
    g.mmio_write(C1, Frame::Distributor, GICD_SGIR, 4, 0b01 << 16 | 2);
    g.mmio_write(C0, Frame::Distributor, GICD_SGIR, 4, 0b01 << 16 | 2);
    assert_eq!(
        g.mmio_read(C0, Frame::Distributor, GICD_SPENDSGIR + 2, 1),
        0b11
    );
    // CPENDSGIR removes one source.
    g.mmio_write(C0, Frame::Distributor, 0xf10 + 2, 1, 0b10);
    assert_eq!(
        g.mmio_read(C0, Frame::Distributor, GICD_SPENDSGIR + 2, 1),
        0b01
    );
    assert!(is_pending(&mut g, 2));
}

#[test]
fn sgir_reserved_filter_is_ignored() {
    let mut g = v2(2);
    wd(&mut g, GICD_SGIR, 0b11 << 24 | 0xff << 16 | 1);
    assert_eq!(rd(&mut g, GICD_ISPENDR), 0);
}

#[test]
fn word_only_register_ignores_byte_access() {
    let mut g = v2(1);
    g.mmio_write(C0, Frame::Distributor, GICD_ISENABLER + 4, 1, 0xff);
    assert_eq!(rd(&mut g, GICD_ISENABLER + 4), 0);
    let ignored = g.take_ignored();
    assert_eq!(ignored.len(), 1);
    assert_eq!(ignored[0].reason, IgnoreReason::Width);
}

#[test]
fn misaligned_access_is_ignored_and_recorded() {
    let mut g = v2(1);
    assert_eq!(
        g.mmio_read(C0, Frame::Distributor, GICD_IPRIORITYR + 2, 4),
        0
    );
    assert_eq!(g.mmio_read(C0, Frame::Distributor, GICD_CTLR, 3), 0);
    let reasons: Vec<_> = g.take_ignored().into_iter().map(|a| a.reason).collect();
    assert_eq!(reasons, [IgnoreReason::Misaligned, IgnoreReason::Width]);
}

#[test]
fn gicc_identification_registers_report_gicv2() {
    let mut g = v2(1);
    assert_eq!(rc(&mut g, C0, GICC_IIDR) >> 16 & 0xf, 2);
    assert_eq!(rd(&mut g, 0xfe8) >> 4 & 0xf, 2);
}

#[test]
fn gicc_pmr_keeps_only_implemented_bits() {
    let mut g = v2(1);
    wc(&mut g, C0, GICC_PMR, 0xff);
    assert_eq!(rc(&mut g, C0, GICC_PMR), 0xf8);
}

#[test]
fn gicc_ctlr_unmodelled_bits_are_raz_wi() {
    let mut g = v2(1);
    wc(&mut g, C0, GICC_CTLR, 0xffff_ffff);
    assert_eq!(rc(&mut g, C0, GICC_CTLR), 0b10_0001_0111);
}

#[test]
fn redistributor_frames_do_not_exist_on_v2() {
    let mut g = v2(1);
    assert_eq!(g.mmio_read(C0, Frame::Redistributor(C0), 0x8, 8), 0);
    assert_eq!(g.take_ignored()[0].reason, IgnoreReason::NoSuchFrame);
}
