//! The GICv2 CPU interface (GICC_*) of the accessing CPU, 8 KiB (IHI 0048B §4.4, table 4-2),
//! for a GIC without the Security Extensions, where every access behaves like a Secure access.
//!
//! Invariants:
//! - Every register is word-accessible only.
//! - GICC_CTLR implements EnableGrp0 (bit 0), EnableGrp1 (bit 1), AckCtl (bit 2), CBPR (bit 4)
//!   and EOImodeS (bit 9); FIQEn, the bypass-disable bits and EOImodeNS are RAZ/WI
//!   (irqsuite's choice: the model has no FIQ/IRQ wires nor legacy bypass).
//! - GICC_IAR/GICC_HPPIR report both groups (Group 1 only with AckCtl, else 1022);
//!   GICC_AIAR/GICC_AEOIR/GICC_AHPPIR are the Group 1 views (irqsuite's reading of the aliased
//!   registers without Security Extensions). GICC_APR0 holds the Group 0 active priorities,
//!   GICC_NSAPR0 the Group 1 ones; APR1-3/NSAPR1-3 are RAZ/WI (at most 32 preemption levels
//!   are visible through memory-mapped registers in this model).

use super::{Access, Region, W32, read_raz, write_wi};
use crate::Gic;
use crate::cpuif::{AckView, ap0_mask};
use crate::irq::Group;

const CTLR_RW: u64 = 0b10_0001_0111;

fn read_ctlr(gic: &mut Gic, acc: &Access) -> u64 {
    let c = &gic.cpuifs[acc.cpu];
    u64::from(c.enable[0])
        | u64::from(c.enable[1]) << 1
        | u64::from(c.ack_ctl) << 2
        | u64::from(c.cbpr) << 4
        | u64::from(c.eoimode) << 9
}

fn write_ctlr(gic: &mut Gic, acc: &Access, value: u64) {
    let v = value & CTLR_RW;
    let c = &mut gic.cpuifs[acc.cpu];
    c.enable = [v & 1 != 0, v & 2 != 0];
    c.ack_ctl = v & (1 << 2) != 0;
    c.cbpr = v & (1 << 4) != 0;
    c.eoimode = v & (1 << 9) != 0;
}

fn read_pmr(gic: &mut Gic, acc: &Access) -> u64 {
    u64::from(gic.cpuifs[acc.cpu].pmr)
}

/// GICC_PMR write: unimplemented low bits are RAZ/WI (IHI 0048B §4.4.2).
fn write_pmr(gic: &mut Gic, acc: &Access, value: u64) {
    let mask = gic.config.priority_mask();
    gic.cpuifs[acc.cpu].pmr = value as u8 & mask;
}

fn read_bpr(gic: &mut Gic, acc: &Access) -> u64 {
    u64::from(gic.cpuifs[acc.cpu].bpr[0])
}

fn write_bpr(gic: &mut Gic, acc: &Access, value: u64) {
    let config = gic.config;
    gic.cpuifs[acc.cpu].set_bpr(Group::G0, value, &config);
}

fn read_abpr(gic: &mut Gic, acc: &Access) -> u64 {
    u64::from(gic.cpuifs[acc.cpu].bpr[1])
}

fn write_abpr(gic: &mut Gic, acc: &Access, value: u64) {
    let config = gic.config;
    gic.cpuifs[acc.cpu].set_bpr(Group::G1, value, &config);
}

fn read_iar(gic: &mut Gic, acc: &Access) -> u64 {
    u64::from(gic.acknowledge(acc.cpu, AckView::Both))
}

fn read_aiar(gic: &mut Gic, acc: &Access) -> u64 {
    u64::from(gic.acknowledge(acc.cpu, AckView::Group1))
}

fn write_eoir(gic: &mut Gic, acc: &Access, value: u64) {
    gic.end_of_interrupt(acc.cpu, (value & 0x3ff) as u32, None);
}

fn write_aeoir(gic: &mut Gic, acc: &Access, value: u64) {
    gic.end_of_interrupt(acc.cpu, (value & 0x3ff) as u32, Some(Group::G1));
}

fn write_dir(gic: &mut Gic, acc: &Access, value: u64) {
    gic.deactivate_interrupt(acc.cpu, (value & 0x3ff) as u32);
}

fn read_rpr(gic: &mut Gic, acc: &Access) -> u64 {
    u64::from(gic.cpuifs[acc.cpu].running_priority(&gic.config))
}

fn read_hppir(gic: &mut Gic, acc: &Access) -> u64 {
    u64::from(gic.highest_pending_id(acc.cpu, AckView::Both))
}

fn read_ahppir(gic: &mut Gic, acc: &Access) -> u64 {
    u64::from(gic.highest_pending_id(acc.cpu, AckView::Group1))
}

fn read_apr0(gic: &mut Gic, acc: &Access) -> u64 {
    u64::from(gic.cpuifs[acc.cpu].ap[0][0])
}

fn write_apr0(gic: &mut Gic, acc: &Access, value: u64) {
    let mask = ap0_mask(&gic.config);
    gic.cpuifs[acc.cpu].ap[0][0] = value as u32 & mask;
}

fn read_nsapr0(gic: &mut Gic, acc: &Access) -> u64 {
    u64::from(gic.cpuifs[acc.cpu].ap[1][0])
}

fn write_nsapr0(gic: &mut Gic, acc: &Access, value: u64) {
    let mask = ap0_mask(&gic.config);
    gic.cpuifs[acc.cpu].ap[1][0] = value as u32 & mask;
}

/// GICC_IIDR (IHI 0048B §4.4.14): the configured IIDR with ArchVersion [19:16] = 2.
fn read_iidr(gic: &mut Gic, _: &Access) -> u64 {
    u64::from(gic.config.iidr & !0x000f_0000 | 0x0002_0000)
}

/// The GICv2 CPU interface (IHI 0048B table 4-2).
pub(crate) const REGIONS: &[Region] = &[
    Region::reg(0x0000, 4, W32, read_ctlr, write_ctlr),
    Region::reg(0x0004, 4, W32, read_pmr, write_pmr),
    Region::reg(0x0008, 4, W32, read_bpr, write_bpr),
    Region::reg(0x000c, 4, W32, read_iar, write_wi),
    Region::reg(0x0010, 4, W32, read_raz, write_eoir),
    Region::reg(0x0014, 4, W32, read_rpr, write_wi),
    Region::reg(0x0018, 4, W32, read_hppir, write_wi),
    Region::reg(0x001c, 4, W32, read_abpr, write_abpr),
    Region::reg(0x0020, 4, W32, read_aiar, write_wi),
    Region::reg(0x0024, 4, W32, read_raz, write_aeoir),
    Region::reg(0x0028, 4, W32, read_ahppir, write_wi),
    Region::reg(0x00d0, 4, W32, read_apr0, write_apr0),
    Region::reg(0x00d4, 12, W32, read_raz, write_wi),
    Region::reg(0x00e0, 4, W32, read_nsapr0, write_nsapr0),
    Region::reg(0x00e4, 12, W32, read_raz, write_wi),
    Region::reg(0x00fc, 4, W32, read_iidr, write_wi),
    Region::reg(0x1000, 4, W32, read_raz, write_dir),
];
