//! Helpers shared by the integration tests: machine shapes and register shorthands written
//! against the public API only, with offsets taken from IHI 0048B tables 4-1/4-2 and IHI 0069H
//! §12.8-§12.11.

#![allow(dead_code)]

pub mod its;

use reference_vgic::{CpuId, Frame, Gic, GicConfig, Sysreg, Version};

pub const C0: CpuId = CpuId(0);
pub const C1: CpuId = CpuId(1);

pub const GICD_CTLR: u32 = 0x000;
pub const GICD_TYPER: u32 = 0x004;
pub const GICD_IIDR: u32 = 0x008;
pub const GICD_IGROUPR: u32 = 0x080;
pub const GICD_ISENABLER: u32 = 0x100;
pub const GICD_ICENABLER: u32 = 0x180;
pub const GICD_ISPENDR: u32 = 0x200;
pub const GICD_ICPENDR: u32 = 0x280;
pub const GICD_ISACTIVER: u32 = 0x300;
pub const GICD_ICACTIVER: u32 = 0x380;
pub const GICD_IPRIORITYR: u32 = 0x400;
pub const GICD_ITARGETSR: u32 = 0x800;
pub const GICD_ICFGR: u32 = 0xc00;
pub const GICD_SGIR: u32 = 0xf00;
pub const GICD_SPENDSGIR: u32 = 0xf20;
pub const GICD_IROUTER: u32 = 0x6000;

pub const GICC_CTLR: u32 = 0x00;
pub const GICC_PMR: u32 = 0x04;
pub const GICC_BPR: u32 = 0x08;
pub const GICC_IAR: u32 = 0x0c;
pub const GICC_EOIR: u32 = 0x10;
pub const GICC_RPR: u32 = 0x14;
pub const GICC_HPPIR: u32 = 0x18;
pub const GICC_AIAR: u32 = 0x20;
pub const GICC_APR0: u32 = 0xd0;
pub const GICC_IIDR: u32 = 0xfc;
pub const GICC_DIR: u32 = 0x1000;

pub const GICR_TYPER: u32 = 0x0008;
pub const GICR_WAKER: u32 = 0x0014;

/// GICv2, `cpus` CPUs, 96 INTIDs, 5 priority bits.
pub fn v2(cpus: u8) -> Gic {
    Gic::new(GicConfig::new(Version::V2, cpus, 2, 5))
}

/// GICv3, `cpus` CPUs, 96 INTIDs, 5 priority bits.
pub fn v3(cpus: u8) -> Gic {
    Gic::new(GicConfig::new(Version::V3, cpus, 2, 5))
}

pub fn rd(g: &mut Gic, off: u32) -> u32 {
    g.mmio_read(C0, Frame::Distributor, off, 4) as u32
}

pub fn wd(g: &mut Gic, off: u32, v: u32) {
    g.mmio_write(C0, Frame::Distributor, off, 4, v.into());
}

pub fn rc(g: &mut Gic, cpu: CpuId, off: u32) -> u32 {
    g.mmio_read(cpu, Frame::CpuInterface, off, 4) as u32
}

pub fn wc(g: &mut Gic, cpu: CpuId, off: u32, v: u32) {
    g.mmio_write(cpu, Frame::CpuInterface, off, 4, v.into());
}

/// Word offset and bit of INTID `n` in a 1-bit-per-INTID array at `base`.
pub fn bit_reg(base: u32, n: u32) -> (u32, u32) {
    (base + 4 * (n / 32), 1 << (n % 32))
}

/// GICv2: both groups enabled in the distributor and on `cpu`'s interface (AckCtl set), PMR
/// fully open.
pub fn v2_enable(g: &mut Gic, cpu: CpuId) {
    wd(g, GICD_CTLR, 0b11);
    wc(g, cpu, GICC_CTLR, 0b111);
    wc(g, cpu, GICC_PMR, 0xff);
}

/// GICv2: enable INTID `n` at `prio`, targeting CPU 0 when it is an SPI.
pub fn v2_irq(g: &mut Gic, n: u32, prio: u8) {
    let (off, bit) = bit_reg(GICD_ISENABLER, n);
    wd(g, off, bit);
    g.mmio_write(C0, Frame::Distributor, GICD_IPRIORITYR + n, 1, prio.into());
    g.mmio_write(C0, Frame::Distributor, GICD_ITARGETSR + n, 1, 1);
}

/// Set INTID `n` pending through GICD_ISPENDR.
pub fn set_pending(g: &mut Gic, n: u32) {
    let (off, bit) = bit_reg(GICD_ISPENDR, n);
    wd(g, off, bit);
}

/// Make INTID `n` edge-triggered (SPIs only).
pub fn set_edge(g: &mut Gic, n: u32) {
    let off = GICD_ICFGR + 4 * (n / 16);
    let cur = rd(g, off);
    wd(g, off, cur | 0b10 << (2 * (n % 16)));
}

pub fn is_pending(g: &mut Gic, n: u32) -> bool {
    let (off, bit) = bit_reg(GICD_ISPENDR, n);
    rd(g, off) & bit != 0
}

pub fn is_active(g: &mut Gic, n: u32) -> bool {
    let (off, bit) = bit_reg(GICD_ISACTIVER, n);
    rd(g, off) & bit != 0
}

/// GICv3: wake CPU `cpu`'s redistributor, enable Group 1 everywhere, open its PMR.
pub fn v3_enable(g: &mut Gic, cpu: CpuId) {
    g.mmio_write(C0, Frame::Redistributor(cpu), GICR_WAKER, 4, 0);
    wd(g, GICD_CTLR, 0b10);
    g.sysreg_write(cpu, Sysreg::Igrpen1, 1);
    g.sysreg_write(cpu, Sysreg::Pmr, 0xff);
}

/// GICv3: enable SPI `n` at `prio`, routed to CPU 0.
pub fn v3_spi(g: &mut Gic, n: u32, prio: u8) {
    let (off, bit) = bit_reg(GICD_ISENABLER, n);
    wd(g, off, bit);
    g.mmio_write(C0, Frame::Distributor, GICD_IPRIORITYR + n, 1, prio.into());
    g.mmio_write(C0, Frame::Distributor, GICD_IROUTER + 8 * n, 8, 0);
}

/// GICv3: enable SGI/PPI `n` of `cpu` at `prio` through its SGI_base frame.
pub fn v3_private(g: &mut Gic, cpu: CpuId, n: u32, prio: u8) {
    g.mmio_write(C0, Frame::RedistributorSgi(cpu), GICD_ISENABLER, 4, 1 << n);
    g.mmio_write(
        C0,
        Frame::RedistributorSgi(cpu),
        GICD_IPRIORITYR + n,
        1,
        prio.into(),
    );
}
