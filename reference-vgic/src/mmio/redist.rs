//! The GICv3 redistributor of one CPU: RD_base (control, identification, power) and SGI_base
//! (the CPU's SGI/PPI bank), 64 KiB each (IHI 0069H §12.10, §12.11).
//!
//! Invariants:
//! - The frame's CPU is `Access::bank_cpu`; SGI_base per-interrupt arrays address INTIDs
//!   0-31 of that CPU only.
//! - Without LPIs ([`RD_REGIONS`]): GICR_CTLR is RAZ/WI, GICR_TYPER.PLPIS = 0, and
//!   GICR_PROPBASER/PENDBASER are not mapped. With LPIs ([`RD_LPI_REGIONS`], chosen by
//!   `Gic` when `GicConfig::lpis()`): GICR_CTLR.EnableLPIs, GICR_PROPBASER and GICR_PENDBASER
//!   (IHI 0069H §12.11), GICR_TYPER.PLPIS = 1; the rules live in `crate::lpi`. The direct LPI
//!   interface (GICR_SETLPIR, GICR_CLRLPIR, GICR_INVLPIR, GICR_INVALLR, GICR_SYNCR) is not
//!   implemented (GICR_TYPER.DirectLPI = 0; with an ITS these registers are optional).
//! - GICR_WAKER.ProcessorSleep (bit 1) resets to 1 and is RW; ChildrenAsleep (bit 2) mirrors it
//!   (the model has no wake latency); bits 0 and 31 (IMPLEMENTATION DEFINED) are RAZ/WI. While
//!   ProcessorSleep is 1 nothing is forwarded to the CPU interface (see `oracle`).
//! - With DS == 1, GICR_IGRPMODR0 and GICR_NSACR are RAZ/WI.

use super::dist::{read_iidr, read_pidr2_v3};
use super::per_irq::{
    read_active, read_config, read_enable, read_group, read_pending, read_priority,
    write_clear_active, write_clear_enable, write_clear_pending, write_config, write_group,
    write_priority, write_set_active, write_set_enable, write_set_pending,
};
use super::{Access, Region, W8, W32, W64, read_raz, write_wi};
use crate::Gic;
use crate::lpi::{PENDBASER_PTZ, PENDBASER_RW, PROPBASER_RW};

/// GICR_TYPER (64-bit, IHI 0069H §12.11 GICR_TYPER): Affinity_Value \[63:32\] = 0.0.0.<cpu>,
/// Processor_Number \[23:8\] = cpu, Last [4] on the highest-numbered CPU, PLPIS [0] = 1 when
/// LPIs are supported, VLPIS/DirectLPI 0, CommonLPIAff \[25:24\] = 0 (every redistributor
/// shares one LPI configuration table). 32-bit accesses read either half.
fn read_typer(gic: &mut Gic, acc: &Access) -> u64 {
    let cpu = acc.bank_cpu as u64;
    let last = acc.bank_cpu + 1 == usize::from(gic.config.cpus);
    let plpis = u64::from(gic.config.lpis());
    let value = cpu << 32 | (cpu & 0xffff) << 8 | u64::from(last) << 4 | plpis;
    value >> (acc.offset * 8)
}

/// Merge a 32-bit half write into a 64-bit register value.
fn merge(old: u64, acc: &Access, value: u64) -> u64 {
    if acc.width == 8 {
        return value;
    }
    let shift = (acc.offset % 8) * 8;
    (old & !(0xffff_ffffu64 << shift)) | (value & 0xffff_ffff) << shift
}

/// GICR_CTLR with LPIs: EnableLPIs [0]; CES [1] as configured (whether EnableLPIs can be
/// cleared); IR [2], RWP [3] (the model finishes at once), UWP [31] read 0.
fn read_ctlr(gic: &mut Gic, acc: &Access) -> u64 {
    let ces = u64::from(gic.config.lpi_enable_clearable) << 1;
    u64::from(gic.redists[acc.bank_cpu].lpi.enabled) | ces
}

/// GICR_CTLR write: EnableLPIs 0 -> 1 loads the pending table; 1 -> 0 disables LPIs where
/// CES = 1 and is ignored otherwise (IHI 0069H §12.11 GICR_CTLR.EnableLPIs and CES).
fn write_ctlr(gic: &mut Gic, acc: &Access, value: u64) {
    if value & 1 != 0 {
        gic.enable_lpis(acc.bank_cpu);
    } else if gic.config.lpi_enable_clearable {
        gic.disable_lpis(acc.bank_cpu);
    }
}

fn read_propbaser(gic: &mut Gic, acc: &Access) -> u64 {
    gic.redists[acc.bank_cpu].lpi.propbaser >> ((acc.offset % 8) * 8)
}

/// GICR_PROPBASER write: RW while EnableLPIs == 0, ignored afterwards.
fn write_propbaser(gic: &mut Gic, acc: &Access, value: u64) {
    let lpi = &mut gic.redists[acc.bank_cpu].lpi;
    if !lpi.enabled {
        lpi.propbaser = merge(lpi.propbaser, acc, value) & PROPBASER_RW;
    }
}

/// GICR_PENDBASER read: PTZ reads 0.
fn read_pendbaser(gic: &mut Gic, acc: &Access) -> u64 {
    gic.redists[acc.bank_cpu].lpi.pendbaser >> ((acc.offset % 8) * 8)
}

/// GICR_PENDBASER write: RW while EnableLPIs == 0 (PTZ remembered for EnableLPIs), ignored
/// afterwards.
fn write_pendbaser(gic: &mut Gic, acc: &Access, value: u64) {
    let lpi = &mut gic.redists[acc.bank_cpu].lpi;
    if lpi.enabled {
        return;
    }
    let old = lpi.pendbaser | if lpi.ptz { PENDBASER_PTZ } else { 0 };
    let v = merge(old, acc, value);
    lpi.pendbaser = v & PENDBASER_RW;
    lpi.ptz = v & PENDBASER_PTZ != 0;
}

fn read_waker(gic: &mut Gic, acc: &Access) -> u64 {
    let asleep = gic.redists[acc.bank_cpu].processor_sleep;
    u64::from(asleep) << 1 | u64::from(asleep) << 2
}

fn write_waker(gic: &mut Gic, acc: &Access, value: u64) {
    gic.redists[acc.bank_cpu].processor_sleep = value & 0b10 != 0;
}

/// RD_base.
pub(crate) const RD_REGIONS: &[Region] = &[
    Region::reg(0x0000, 4, W32, read_raz, write_wi),
    Region::reg(0x0004, 4, W32, read_iidr, write_wi),
    Region::reg(0x0008, 8, W32 | W64, read_typer, write_wi),
    Region::reg(0x0014, 4, W32, read_waker, write_waker),
    Region::reg(0xffd0, 0x18, W32, read_raz, write_wi),
    Region::reg(0xffe8, 4, W32, read_pidr2_v3, write_wi),
    Region::reg(0xffec, 0x14, W32, read_raz, write_wi),
];

/// RD_base with LPIs (GICR_TYPER.PLPIS == 1).
pub(crate) const RD_LPI_REGIONS: &[Region] = &[
    Region::reg(0x0000, 4, W32, read_ctlr, write_ctlr),
    Region::reg(0x0004, 4, W32, read_iidr, write_wi),
    Region::reg(0x0008, 8, W32 | W64, read_typer, write_wi),
    Region::reg(0x0014, 4, W32, read_waker, write_waker),
    Region::reg(0x0070, 8, W32 | W64, read_propbaser, write_propbaser),
    Region::reg(0x0078, 8, W32 | W64, read_pendbaser, write_pendbaser),
    Region::reg(0xffd0, 0x18, W32, read_raz, write_wi),
    Region::reg(0xffe8, 4, W32, read_pidr2_v3, write_wi),
    Region::reg(0xffec, 0x14, W32, read_raz, write_wi),
];

/// SGI_base: the distributor's bank-0 registers, banked per CPU.
pub(crate) const SGI_REGIONS: &[Region] = &[
    Region::per_irq(0x0080, 1, 32, W32, read_group, write_group),
    Region::per_irq(0x0100, 1, 32, W32, read_enable, write_set_enable),
    Region::per_irq(0x0180, 1, 32, W32, read_enable, write_clear_enable),
    Region::per_irq(0x0200, 1, 32, W32, read_pending, write_set_pending),
    Region::per_irq(0x0280, 1, 32, W32, read_pending, write_clear_pending),
    Region::per_irq(0x0300, 1, 32, W32, read_active, write_set_active),
    Region::per_irq(0x0380, 1, 32, W32, read_active, write_clear_active),
    Region::per_irq(0x0400, 8, 32, W8 | W32, read_priority, write_priority),
    Region::per_irq(0x0c00, 2, 32, W32, read_config, write_config),
    Region::reg(0x0d00, 4, W32, read_raz, write_wi),
    Region::reg(0x0e00, 4, W32, read_raz, write_wi),
];
