//! The GICv3 redistributor of one CPU: RD_base (control, identification, power) and SGI_base
//! (the CPU's SGI/PPI bank), 64 KiB each (IHI 0069H §12.10, §12.11).
//!
//! Invariants:
//! - The frame's CPU is `Access::bank_cpu`; SGI_base per-interrupt arrays address INTIDs
//!   0-31 of that CPU only.
//! - No LPIs yet: GICR_CTLR is RAZ/WI (EnableLPIs 0, RWP 0, UWP 0), GICR_TYPER.PLPIS = 0,
//!   and GICR_PROPBASER/PENDBASER are not mapped.
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

/// GICR_TYPER (64-bit, IHI 0069H §12.11 GICR_TYPER): Affinity_Value [63:32] = 0.0.0.<cpu>,
/// Processor_Number [23:8] = cpu, Last [4] on the highest-numbered CPU, PLPIS/VLPIS/DirectLPI
/// 0. 32-bit accesses read either half.
fn read_typer(gic: &mut Gic, acc: &Access) -> u64 {
    let cpu = acc.bank_cpu as u64;
    let last = acc.bank_cpu + 1 == usize::from(gic.config.cpus);
    let value = cpu << 32 | (cpu & 0xffff) << 8 | u64::from(last) << 4;
    value >> (acc.offset * 8)
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
