//! The distributor (GICD_*) register maps: GICv2 (IHI 0048B §4.3, table 4-1) and GICv3 with
//! affinity routing always enabled and one Security state (IHI 0069H §12.8, §12.9).
//!
//! Invariants:
//! - [`V2_REGIONS`] and [`V3_REGIONS`] are sorted, disjoint, one row per register array.
//!   Offsets absent from a table (e.g. GICv2 0x00c-0x07c, 0x7fc, 0xbfc, 0xd00-0xdfc,
//!   0xf04-0xf0c, 0xf30-0xfcc) are reserved or IMPLEMENTATION DEFINED: the dispatcher makes
//!   them RAZ/WI and reports them.
//! - On GICv3 the distributor's per-interrupt arrays address INTIDs 32 and up only: with
//!   GICD_CTLR.ARE == 1 the SGI/PPI bank (GICD_IGROUPR0, GICD_ISENABLER0, ...,
//!   GICD_IPRIORITYR0-7, GICD_ICFGR0-1) is RES0 and lives in the redistributor; GICD_ITARGETSR,
//!   GICD_SGIR, GICD_CPENDSGIR and GICD_SPENDSGIR are RAZ/WI (IHI 0069H §12.9).
//! - Read-only registers ignore writes; write-only registers read as zero.

use super::per_irq::{
    read_active, read_config, read_enable, read_group, read_pending, read_priority,
    write_clear_active, write_clear_enable, write_clear_pending, write_config, write_group,
    write_priority, write_set_active, write_set_enable, write_set_pending,
};
use super::{Access, Region, W8, W32, W64, read_fields, read_raz, write_fields, write_wi};
use crate::Gic;
use crate::irq::{FIRST_PPI, FIRST_SPI};
use crate::sgi;

/// GICD_CTLR.ARE (GICv3, RAO/WI here).
const CTLR_ARE: u64 = 1 << 4;
/// GICD_CTLR.DS (GICv3, RAO/WI here).
const CTLR_DS: u64 = 1 << 6;

/// irqsuite's GICv2 ICPIDR2: ArchRev 2 in bits [7:4], JEDEC bit 3 set, JEP106 ID bits [2:0]
/// of Arm (0x3b) — IMPLEMENTATION DEFINED (IHI 0048B §4.3 "Identification registers").
pub(crate) const V2_PIDR2: u64 = 0x2b;
/// irqsuite's GICv3 GICD_PIDR2 / GICR_PIDR2: ArchRev 3 in bits [7:4] (IHI 0069H §12.9 GICD_PIDR2),
/// other bits as for GICv2.
pub(crate) const V3_PIDR2: u64 = 0x3b;

/// GICD_CTLR read: EnableGrp0 (bit 0), EnableGrp1 (bit 1); on GICv3 also ARE (bit 4) and
/// DS (bit 6) RAO, RWP (bit 31) 0 since writes take effect at once.
fn read_ctlr(gic: &mut Gic, _: &Access) -> u64 {
    let enables = u64::from(gic.dist.enable[0]) | u64::from(gic.dist.enable[1]) << 1;
    match gic.config.version {
        crate::Version::V2 => enables,
        crate::Version::V3 => enables | CTLR_ARE | CTLR_DS,
    }
}

/// GICD_CTLR write: only the group enables are writable.
fn write_ctlr(gic: &mut Gic, _: &Access, value: u64) {
    gic.dist.enable = [value & 1 != 0, value & 2 != 0];
}

/// GICD_TYPER (RO). GICv2 (IHI 0048B §4.3.2): ITLinesNumber [4:0], CPUNumber [7:5],
/// SecurityExtn [10] = 0, LSPI 0. GICv3 (IHI 0069H §12.9 GICD_TYPER): also IDbits [23:19] =
/// 9 without LPIs (INTIDs 0-1023, LPIS [17] = 0) or `lpi_id_bits - 1` with LPIs (LPIS = 1,
/// num_LPIs [15:11] = 0: the LPI range is given by IDbits), MBIS [16] = 0, A3V [24] = 1,
/// No1N [25] = 0.
fn read_typer(gic: &mut Gic, _: &Access) -> u64 {
    let c = &gic.config;
    let base = u64::from(c.it_lines & 0x1f) | u64::from((c.cpus - 1).min(7)) << 5;
    let (idbits, lpis) = if c.lpis() {
        (u64::from(c.lpi_id_bits - 1), 1u64)
    } else {
        (9, 0)
    };
    match c.version {
        crate::Version::V2 => base,
        crate::Version::V3 => base | lpis << 17 | idbits << 19 | 1 << 24,
    }
}

/// GICD_IIDR (RO): the configured implementation-defined value.
pub(crate) fn read_iidr(gic: &mut Gic, _: &Access) -> u64 {
    u64::from(gic.config.iidr)
}

/// GICv2 ICPIDR2.
fn read_pidr2_v2(_: &mut Gic, _: &Access) -> u64 {
    V2_PIDR2
}

/// GICv3 GICD_PIDR2 / GICR_PIDR2.
pub(crate) fn read_pidr2_v3(_: &mut Gic, _: &Access) -> u64 {
    V3_PIDR2
}

/// GICD_ITARGETSR read (GICv2, IHI 0048B §4.3.12): SGI/PPI entries read as the accessing
/// CPU's own bit; SPI entries read their target list. RAZ on a uniprocessor.
fn read_targets(gic: &mut Gic, acc: &Access) -> u64 {
    if gic.config.cpus == 1 {
        return 0;
    }
    let own = 1u64 << (acc.cpu & 7);
    read_fields(gic, acc, |intid, irq| {
        if intid < FIRST_SPI {
            own
        } else {
            u64::from(irq.targets)
        }
    })
}

/// GICD_ITARGETSR write: SPI entries only, keeping bits of implemented CPUs.
fn write_targets(gic: &mut Gic, acc: &Access, value: u64) {
    if gic.config.cpus == 1 {
        return;
    }
    let implemented = ((1u16 << gic.config.cpus) - 1) as u8;
    write_fields(gic, acc, value, |intid, irq, t| {
        if intid >= FIRST_SPI {
            irq.targets = t as u8 & implemented;
        }
    });
}

/// GICD_SGIR write (GICv2, IHI 0048B §4.3.15).
fn write_sgir(gic: &mut Gic, acc: &Access, value: u64) {
    sgi::send_v2(gic, acc.cpu, value as u32);
}

/// GICD_CPENDSGIR / GICD_SPENDSGIR read: one byte per SGI, bit n = pending from CPU n
/// (IHI 0048B §4.3.16, §4.3.17).
fn read_sgi_sources(gic: &mut Gic, acc: &Access) -> u64 {
    read_fields(gic, acc, |intid, irq| {
        if intid < FIRST_PPI {
            u64::from(irq.sgi_sources)
        } else {
            0
        }
    })
}

/// GICD_SPENDSGIR write: add pending sources (implemented CPUs only).
fn write_set_sgi_sources(gic: &mut Gic, acc: &Access, value: u64) {
    let implemented = ((1u16 << gic.config.cpus.min(8)) - 1) as u8;
    write_fields(gic, acc, value, |intid, irq, s| {
        if intid < FIRST_PPI {
            irq.sgi_sources |= s as u8 & implemented;
        }
    });
}

/// GICD_CPENDSGIR write: remove pending sources.
fn write_clear_sgi_sources(gic: &mut Gic, acc: &Access, value: u64) {
    write_fields(gic, acc, value, |intid, irq, s| {
        if intid < FIRST_PPI {
            irq.sgi_sources &= !(s as u8);
        }
    });
}

/// The GICD_IROUTER<n> value of an SPI: Aff0 [7:0], Aff1 [15:8], Aff2 [23:16], IRM [31],
/// Aff3 [39:32]; everything else RES0 (IHI 0069H §12.9 GICD_IROUTER<n>).
fn router_value(route: &crate::irq::Route) -> u64 {
    let [a3, a2, a1, a0] = route.aff;
    u64::from(a0)
        | u64::from(a1) << 8
        | u64::from(a2) << 16
        | u64::from(route.any) << 31
        | u64::from(a3) << 32
}

/// The INTID and the byte shift of an IROUTER access (64-bit, or either 32-bit half).
fn router_slot(acc: &Access) -> (u32, u32) {
    (acc.offset / 8, (acc.offset % 8) * 8)
}

/// GICD_IROUTER read (GICv3): INTIDs 0-31 are reserved (RAZ/WI).
fn read_router(gic: &mut Gic, acc: &Access) -> u64 {
    let (intid, shift) = router_slot(acc);
    acc.irq(gic, intid)
        .map_or(0, |irq| router_value(&irq.route) >> shift)
}

/// GICD_IROUTER write (GICv3), 64-bit or one 32-bit half.
fn write_router(gic: &mut Gic, acc: &Access, value: u64) {
    let (intid, shift) = router_slot(acc);
    let Some(irq) = acc.irq_mut(gic, intid) else {
        return;
    };
    let keep = if acc.width == 8 {
        0
    } else {
        !(0xffff_ffffu64 << shift)
    };
    let v = (router_value(&irq.route) & keep) | value << shift;
    irq.route.aff = [(v >> 32) as u8, (v >> 16) as u8, (v >> 8) as u8, v as u8];
    irq.route.any = v & (1 << 31) != 0;
}

/// Rows shared by both versions: the per-interrupt arrays 0x080-0x7fb (IHI 0048B table 4-1;
/// IHI 0069H §12.8 distributor register map).
const PER_IRQ: [Region; 8] = [
    Region::per_irq(0x080, 1, 1024, W32, read_group, write_group),
    Region::per_irq(0x100, 1, 1024, W32, read_enable, write_set_enable),
    Region::per_irq(0x180, 1, 1024, W32, read_enable, write_clear_enable),
    Region::per_irq(0x200, 1, 1024, W32, read_pending, write_set_pending),
    Region::per_irq(0x280, 1, 1024, W32, read_pending, write_clear_pending),
    Region::per_irq(0x300, 1, 1024, W32, read_active, write_set_active),
    Region::per_irq(0x380, 1, 1024, W32, read_active, write_clear_active),
    Region::per_irq(0x400, 8, 1020, W8 | W32, read_priority, write_priority),
];

/// GICv2 distributor, 4 KiB (IHI 0048B table 4-1). GICD_SGIR is 32-bit; IPRIORITYR,
/// ITARGETSR, CPENDSGIR and SPENDSGIR are byte-accessible; the rest is word-only.
pub(crate) const V2_REGIONS: &[Region] = &[
    Region::reg(0x000, 4, W32, read_ctlr, write_ctlr),
    Region::reg(0x004, 4, W32, read_typer, write_wi),
    Region::reg(0x008, 4, W32, read_iidr, write_wi),
    PER_IRQ[0],
    PER_IRQ[1],
    PER_IRQ[2],
    PER_IRQ[3],
    PER_IRQ[4],
    PER_IRQ[5],
    PER_IRQ[6],
    PER_IRQ[7],
    Region::per_irq(0x800, 8, 1020, W8 | W32, read_targets, write_targets),
    Region::per_irq(0xc00, 2, 1024, W32, read_config, write_config),
    // GICD_NSACRn: RAZ/WI without the Security Extensions (IHI 0048B §4.3.14).
    Region::reg(0xe00, 0x100, W32, read_raz, write_wi),
    Region::reg(0xf00, 4, W32, read_raz, write_sgir),
    Region::per_irq(
        0xf10,
        8,
        16,
        W8 | W32,
        read_sgi_sources,
        write_clear_sgi_sources,
    ),
    Region::per_irq(
        0xf20,
        8,
        16,
        W8 | W32,
        read_sgi_sources,
        write_set_sgi_sources,
    ),
    // Identification registers: only ICPIDR2 is given a value (IMPLEMENTATION DEFINED).
    Region::reg(0xfd0, 0x18, W32, read_raz, write_wi),
    Region::reg(0xfe8, 4, W32, read_pidr2_v2, write_wi),
    Region::reg(0xfec, 0x14, W32, read_raz, write_wi),
];

/// GICv3 distributor, 64 KiB (IHI 0069H §12.8 distributor register map), ARE = 1, DS = 1.
pub(crate) const V3_REGIONS: &[Region] = &[
    Region::reg(0x0000, 4, W32, read_ctlr, write_ctlr),
    Region::reg(0x0004, 4, W32, read_typer, write_wi),
    Region::reg(0x0008, 4, W32, read_iidr, write_wi),
    PER_IRQ[0],
    PER_IRQ[1],
    PER_IRQ[2],
    PER_IRQ[3],
    PER_IRQ[4],
    PER_IRQ[5],
    PER_IRQ[6],
    PER_IRQ[7],
    // GICD_ITARGETSR: RES0 with affinity routing.
    Region::reg(0x0800, 1020, W8 | W32, read_raz, write_wi),
    Region::per_irq(0x0c00, 2, 1024, W32, read_config, write_config),
    // GICD_IGRPMODR and GICD_NSACR: RAZ/WI when GICD_CTLR.DS == 1.
    Region::reg(0x0d00, 0x80, W32, read_raz, write_wi),
    Region::reg(0x0e00, 0x100, W32, read_raz, write_wi),
    // GICD_SGIR, GICD_CPENDSGIR, GICD_SPENDSGIR: legacy only, RAZ/WI with ARE.
    Region::reg(0x0f00, 4, W32, read_raz, write_wi),
    Region::reg(0x0f10, 0x10, W8 | W32, read_raz, write_wi),
    Region::reg(0x0f20, 0x10, W8 | W32, read_raz, write_wi),
    Region::per_irq(0x6000, 64, 1020, W32 | W64, read_router, write_router),
    Region::reg(0xffd0, 0x18, W32, read_raz, write_wi),
    Region::reg(0xffe8, 4, W32, read_pidr2_v3, write_wi),
    Region::reg(0xffec, 0x14, W32, read_raz, write_wi),
];
