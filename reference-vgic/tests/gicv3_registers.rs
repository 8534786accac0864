//! GICv3 distributor, redistributor and ICC_* system registers with affinity routing and one
//! Security state (IHI 0069H §12.1, §12.2, §12.8-§12.11).

mod common;

use common::*;
use reference_vgic::{CpuId, Frame, IgnoreReason, Sysreg};

#[test]
fn ispendr0_bank_is_raz_wi_in_distributor_with_are() {
    let mut g = v3(1);
    for base in [
        GICD_IGROUPR,
        GICD_ISENABLER,
        GICD_ISPENDR,
        GICD_ISACTIVER,
        GICD_IPRIORITYR,
    ] {
        wd(&mut g, base, 0xffff_ffff);
        assert_eq!(rd(&mut g, base), 0, "GICD bank 0 at {base:#x}");
    }
    // The redistributor's SGI_base bank is untouched.
    let sgi = Frame::RedistributorSgi(C0);
    assert_eq!(g.mmio_read(C0, sgi, GICD_ISPENDR, 4), 0);
    assert_eq!(
        g.mmio_read(C0, sgi, GICD_IGROUPR, 4),
        0xffff_ffff,
        "v3 resets to Group 1"
    );
    assert!(g.take_ignored().is_empty());
}

#[test]
fn gicd_ctlr_are_and_ds_read_as_one() {
    let mut g = v3(1);
    wd(&mut g, GICD_CTLR, 0);
    assert_eq!(rd(&mut g, GICD_CTLR), 1 << 4 | 1 << 6);
    wd(&mut g, GICD_CTLR, 0xffff_ffff);
    assert_eq!(rd(&mut g, GICD_CTLR), 0b11 | 1 << 4 | 1 << 6);
}

#[test]
fn gicd_typer_reports_lines_idbits_and_no_lpis() {
    let mut g = v3(2);
    let typer = rd(&mut g, GICD_TYPER);
    assert_eq!(typer & 0x1f, 2);
    assert_eq!(typer >> 5 & 7, 1);
    assert_eq!(typer >> 19 & 0x1f, 9);
    assert_eq!(typer >> 17 & 1, 0, "LPIS");
    wd(&mut g, GICD_TYPER, 0);
    assert_eq!(rd(&mut g, GICD_TYPER), typer);
    assert_eq!(rd(&mut g, 0xffe8) >> 4 & 0xf, 3);
}

#[test]
fn itargetsr_and_sgir_are_raz_wi_with_are() {
    let mut g = v3(2);
    wd(&mut g, GICD_ITARGETSR + 40, 0xffff_ffff);
    assert_eq!(rd(&mut g, GICD_ITARGETSR + 40), 0);
    wd(&mut g, GICD_SGIR, 0b10 << 24 | 1);
    assert_eq!(
        g.mmio_read(C0, Frame::RedistributorSgi(C0), GICD_ISPENDR, 4),
        0
    );
    assert!(g.take_ignored().is_empty());
}

#[test]
fn irouter_64bit_and_32bit_views_agree() {
    let mut g = v3(2);
    let off = GICD_IROUTER + 8 * 40;
    g.mmio_write(C0, Frame::Distributor, off, 8, 0xffff_ffff_ffff_ffff);
    // Aff3 [39:32], IRM [31], Aff2..Aff0 [23:0]; the rest RES0.
    assert_eq!(g.mmio_read(C0, Frame::Distributor, off, 8), 0xff_80ff_ffff);
    g.mmio_write(C0, Frame::Distributor, off + 4, 4, 0);
    g.mmio_write(C0, Frame::Distributor, off, 4, 0x0000_0001);
    assert_eq!(g.mmio_read(C0, Frame::Distributor, off, 8), 1);
    assert_eq!(g.mmio_read(C0, Frame::Distributor, off + 4, 4), 0);
}

#[test]
fn irouter_for_private_intids_is_raz_wi() {
    let mut g = v3(1);
    g.mmio_write(C0, Frame::Distributor, GICD_IROUTER + 8 * 5, 8, 0x8000_0000);
    assert_eq!(
        g.mmio_read(C0, Frame::Distributor, GICD_IROUTER + 8 * 5, 8),
        0
    );
}

#[test]
fn spi_routed_to_other_cpu_is_not_seen() {
    let mut g = v3(2);
    v3_enable(&mut g, C0);
    v3_enable(&mut g, C1);
    v3_spi(&mut g, 40, 0x80);
    g.mmio_write(C0, Frame::Distributor, GICD_IROUTER + 8 * 40, 8, 1);
    set_pending(&mut g, 40);
    assert_eq!(g.sysreg_read(C0, Sysreg::Hppir1), 1023);
    assert_eq!(g.sysreg_read(C1, Sysreg::Iar1), 40);
}

#[test]
fn irm_one_of_n_lets_any_cpu_take_the_spi_once() {
    let mut g = v3(2);
    v3_enable(&mut g, C0);
    v3_enable(&mut g, C1);
    v3_spi(&mut g, 40, 0x80);
    g.mmio_write(C0, Frame::Distributor, GICD_IROUTER + 8 * 40, 8, 1 << 31);
    set_pending(&mut g, 40);
    assert_eq!(g.sysreg_read(C1, Sysreg::Iar1), 40);
    assert_eq!(g.sysreg_read(C0, Sysreg::Iar1), 1023);
}

#[test]
fn gicr_typer_reports_affinity_and_last() {
    let mut g = v3(2);
    let t0 = g.mmio_read(C0, Frame::Redistributor(C0), GICR_TYPER, 8);
    let t1 = g.mmio_read(C0, Frame::Redistributor(C1), GICR_TYPER, 8);
    assert_eq!(t0, 0);
    assert_eq!(t1, 1 << 32 | 1 << 8 | 1 << 4);
    assert_eq!(
        g.mmio_read(C0, Frame::Redistributor(C1), GICR_TYPER + 4, 4),
        1
    );
}

#[test]
fn gicr_waker_children_asleep_mirrors_processor_sleep() {
    let mut g = v3(1);
    let rd = Frame::Redistributor(C0);
    assert_eq!(g.mmio_read(C0, rd, GICR_WAKER, 4), 0b110);
    g.mmio_write(C0, rd, GICR_WAKER, 4, 0);
    assert_eq!(g.mmio_read(C0, rd, GICR_WAKER, 4), 0);
}

#[test]
fn nonexistent_redistributor_is_ignored() {
    let mut g = v3(1);
    assert_eq!(
        g.mmio_read(C0, Frame::Redistributor(CpuId(3)), GICR_TYPER, 8),
        0
    );
    g.mmio_write(C0, Frame::CpuInterface, GICC_PMR, 4, 0xff);
    let reasons: Vec<_> = g.take_ignored().into_iter().map(|a| a.reason).collect();
    assert_eq!(
        reasons,
        [IgnoreReason::NoSuchFrame, IgnoreReason::NoSuchFrame]
    );
}

#[test]
fn sgi_base_icfgr0_reads_edge_and_icfgr1_is_read_only() {
    let mut g = v3(1);
    let sgi = Frame::RedistributorSgi(C0);
    g.mmio_write(C0, sgi, GICD_ICFGR, 4, 0);
    assert_eq!(g.mmio_read(C0, sgi, GICD_ICFGR, 4), 0xaaaa_aaaa);
    g.mmio_write(C0, sgi, GICD_ICFGR + 4, 4, 0xffff_ffff);
    assert_eq!(g.mmio_read(C0, sgi, GICD_ICFGR + 4, 4), 0);
}

#[test]
fn sgi1r_target_list_pends_sgi_on_targets() {
    let mut g = v3(2);
    v3_enable(&mut g, C1);
    v3_private(&mut g, C1, 7, 0x80);
    // INTID 7, TargetList {1}, Aff1-3 0.
    g.sysreg_write(C0, Sysreg::Sgi1r, 7 << 24 | 0b10);
    assert_eq!(
        g.mmio_read(C0, Frame::RedistributorSgi(C0), GICD_ISPENDR, 4),
        0
    );
    assert_eq!(
        g.mmio_read(C0, Frame::RedistributorSgi(C1), GICD_ISPENDR, 4),
        1 << 7
    );
    assert_eq!(g.sysreg_read(C1, Sysreg::Iar1), 7);
}

#[test]
fn sgi1r_irm_targets_all_but_self() {
    let mut g = v3(3);
    g.sysreg_write(C1, Sysreg::Sgi1r, 1 << 40 | 2 << 24);
    let pend = |g: &mut reference_vgic::Gic, c| {
        g.mmio_read(C0, Frame::RedistributorSgi(CpuId(c)), GICD_ISPENDR, 4)
    };
    assert_eq!(
        [pend(&mut g, 0), pend(&mut g, 1), pend(&mut g, 2)],
        [4, 0, 4]
    );
}

#[test]
fn sgi1r_other_aff1_reaches_nobody() {
    let mut g = v3(2);
    g.sysreg_write(C0, Sysreg::Sgi1r, 1 << 16 | 3 << 24 | 0b11);
    assert_eq!(
        g.mmio_read(C0, Frame::RedistributorSgi(C0), GICD_ISPENDR, 4),
        0
    );
    assert_eq!(
        g.mmio_read(C0, Frame::RedistributorSgi(C1), GICD_ISPENDR, 4),
        0
    );
}

#[test]
fn icc_ctlr_reports_pri_bits_and_keeps_eoimode() {
    let mut g = v3(1);
    let ctlr = g.sysreg_read(C0, Sysreg::Ctlr);
    assert_eq!(ctlr >> 8 & 7, 4, "PRIbits = 5 - 1");
    assert_eq!(ctlr >> 11 & 7, 0, "16-bit INTIDs");
    g.sysreg_write(C0, Sysreg::Ctlr, u64::MAX);
    assert_eq!(g.sysreg_read(C0, Sysreg::Ctlr), ctlr | 0b10);
}

#[test]
fn icc_sre_reads_enabled_and_ignores_writes() {
    let mut g = v3(1);
    g.sysreg_write(C0, Sysreg::Sre, 0);
    assert_eq!(g.sysreg_read(C0, Sysreg::Sre), 0b111);
}

#[test]
fn icc_pmr_keeps_only_implemented_bits() {
    let mut g = v3(1);
    g.sysreg_write(C0, Sysreg::Pmr, 0xff);
    assert_eq!(g.sysreg_read(C0, Sysreg::Pmr), 0xf8);
}

#[test]
fn sysregs_read_zero_on_v2() {
    let mut g = v2(1);
    g.sysreg_write(C0, Sysreg::Pmr, 0xff);
    assert_eq!(g.sysreg_read(C0, Sysreg::Pmr), 0);
    assert_eq!(g.sysreg_read(C0, Sysreg::Sre), 0);
}

#[test]
fn gicd_typer_reports_lpis_and_idbits_with_lpis() {
    use reference_vgic::{GicConfig, Version};
    let mut g = reference_vgic::Gic::new(GicConfig::new(Version::V3, 2, 2, 5).with_lpis(16));
    let typer = rd(&mut g, GICD_TYPER);
    assert_eq!(typer >> 17 & 1, 1, "LPIS");
    assert_eq!(typer >> 19 & 0x1f, 15, "IDbits: 16 INTID bits");
    assert_eq!(typer >> 11 & 0x1f, 0, "num_LPIs: range given by IDbits");
    assert_eq!(typer & 0x1f, 2);
    // Fewer than 14 bits cannot hold an LPI: clamped to 14.
    let mut g = reference_vgic::Gic::new(GicConfig::new(Version::V3, 1, 2, 5).with_lpis(10));
    assert_eq!(rd(&mut g, GICD_TYPER) >> 19 & 0x1f, 13);
}

#[test]
fn gicr_typer_reports_plpis_with_lpis() {
    use reference_vgic::{GicConfig, Version};
    let mut plain = v3(1);
    let t = plain.mmio_read(C0, Frame::Redistributor(C0), GICR_TYPER, 8);
    assert_eq!(t & 1, 0, "PLPIS without LPIs");
    let mut g = reference_vgic::Gic::new(GicConfig::new(Version::V3, 2, 2, 5).with_lpis(14));
    let t1 = g.mmio_read(C0, Frame::Redistributor(C1), GICR_TYPER, 8);
    assert_eq!(t1 & 1, 1, "PLPIS");
    assert_eq!(t1 >> 3 & 1, 0, "DirectLPI");
    assert_eq!(t1 >> 4 & 1, 1, "Last");
    assert_eq!(t1 >> 8 & 0xffff, 1, "Processor_Number");
}

#[test]
fn gicr_lpi_registers_exist_only_with_lpis() {
    let mut plain = v3(1);
    plain.mmio_write(C0, Frame::Redistributor(C0), 0x70, 8, 0x1000);
    assert_eq!(plain.mmio_read(C0, Frame::Redistributor(C0), 0x70, 8), 0);
    assert_eq!(plain.take_ignored().len(), 2, "GICR_PROPBASER unmapped");
    use reference_vgic::{GicConfig, Version};
    let mut g = reference_vgic::Gic::new(GicConfig::new(Version::V3, 1, 2, 5).with_lpis(16));
    let rd0 = Frame::Redistributor(C0);
    // PROPBASER: IDbits [4:0], caches and shareability, PA [51:12]; the rest RES0.
    g.mmio_write(C0, rd0, 0x70, 8, u64::MAX);
    assert_eq!(
        g.mmio_read(C0, rd0, 0x70, 8),
        0x1f | 0b111 << 7 | 0b11 << 10 | (((1 << 52) - 1) & !0xfff) | 0b111 << 56
    );
    // 32-bit halves.
    g.mmio_write(C0, rd0, 0x74, 4, 0);
    assert_eq!(g.mmio_read(C0, rd0, 0x74, 4), 0);
    assert_eq!(
        g.mmio_read(C0, rd0, 0x70, 4),
        0xffff_ff9f,
        "bits [6:5] RES0"
    );
    assert!(g.take_ignored().is_empty());
}
