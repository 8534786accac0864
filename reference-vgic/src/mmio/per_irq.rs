//! Handlers for the per-interrupt register arrays shared by the distributor (GICD_*) and the
//! redistributor's SGI_base frame (GICR_*0), which have the same layout and meaning
//! (IHI 0048B §4.3.4-§4.3.13; IHI 0069H §12.9 GICD_* and §12.11 GICR_*0).
//!
//! Invariants:
//! - One reader serves both halves of a set/clear pair: GICD_ISENABLER and GICD_ICENABLER
//!   both read the enable bit, and so on for pending and active.
//! - Set/clear writers act only on bits written as 1.
//! - GICv2 SGI pending state is per source CPU and changed only through GICD_SGIR,
//!   GICD_SPENDSGIR and GICD_CPENDSGIR: GICD_ISPENDR0/ICPENDR0 bits 0-15 are WI on GICv2
//!   (IHI 0048B §4.3.7, §4.3.8).
//! - SGI trigger configuration is read-only edge (0b10); irqsuite makes PPI configuration
//!   read-only too (IMPLEMENTATION DEFINED, IHI 0048B §4.3.13; IHI 0069H GICR_ICFGR1), with
//!   every PPI level-sensitive. SPIs: Int_config[1] is RW, Int_config[0] is RES0.

use super::{Access, read_fields, write_fields, write_set_bits};
use crate::Gic;
use crate::config::Version;
use crate::irq::{FIRST_PPI, FIRST_SPI, Group, Trigger};

fn bit(b: bool) -> u64 {
    u64::from(b)
}

/// GICD_IGROUPR / GICR_IGROUPR0 read.
pub(crate) fn read_group(gic: &mut Gic, acc: &Access) -> u64 {
    read_fields(gic, acc, |_, irq| bit(irq.group == Group::G1))
}

/// GICD_IGROUPR / GICR_IGROUPR0 write.
pub(crate) fn write_group(gic: &mut Gic, acc: &Access, value: u64) {
    write_fields(gic, acc, value, |_, irq, b| {
        irq.group = if b != 0 { Group::G1 } else { Group::G0 };
    });
}

/// GICD_ISENABLER / GICD_ICENABLER read: the enable bit.
pub(crate) fn read_enable(gic: &mut Gic, acc: &Access) -> u64 {
    read_fields(gic, acc, |_, irq| bit(irq.enabled))
}

/// GICD_ISENABLER write.
pub(crate) fn write_set_enable(gic: &mut Gic, acc: &Access, value: u64) {
    write_set_bits(gic, acc, value, |_, irq| irq.enabled = true);
}

/// GICD_ICENABLER write.
pub(crate) fn write_clear_enable(gic: &mut Gic, acc: &Access, value: u64) {
    write_set_bits(gic, acc, value, |_, irq| irq.enabled = false);
}

/// GICD_ISPENDR / GICD_ICPENDR read: the derived pending state.
pub(crate) fn read_pending(gic: &mut Gic, acc: &Access) -> u64 {
    read_fields(gic, acc, |_, irq| bit(irq.is_pending()))
}

/// GICD_ISPENDR write: set the pending latch.
pub(crate) fn write_set_pending(gic: &mut Gic, acc: &Access, value: u64) {
    let per_source = gic.config.version == Version::V2;
    write_set_bits(gic, acc, value, |intid, irq| {
        if !(per_source && intid < FIRST_PPI) {
            irq.pending_latch = true;
        }
    });
}

/// GICD_ICPENDR write: clear the pending latch (a level interrupt whose line is high stays
/// pending, IHI 0048B §4.3.8).
pub(crate) fn write_clear_pending(gic: &mut Gic, acc: &Access, value: u64) {
    let per_source = gic.config.version == Version::V2;
    write_set_bits(gic, acc, value, |intid, irq| {
        if !(per_source && intid < FIRST_PPI) {
            irq.pending_latch = false;
        }
    });
}

/// GICD_ISACTIVER / GICD_ICACTIVER read.
pub(crate) fn read_active(gic: &mut Gic, acc: &Access) -> u64 {
    read_fields(gic, acc, |_, irq| bit(irq.active))
}

/// GICD_ISACTIVER write.
pub(crate) fn write_set_active(gic: &mut Gic, acc: &Access, value: u64) {
    write_set_bits(gic, acc, value, |_, irq| irq.active = true);
}

/// GICD_ICACTIVER write.
pub(crate) fn write_clear_active(gic: &mut Gic, acc: &Access, value: u64) {
    write_set_bits(gic, acc, value, |_, irq| irq.active = false);
}

/// GICD_IPRIORITYR read (byte or word).
pub(crate) fn read_priority(gic: &mut Gic, acc: &Access) -> u64 {
    read_fields(gic, acc, |_, irq| u64::from(irq.priority))
}

/// GICD_IPRIORITYR write: unimplemented low bits are WI.
pub(crate) fn write_priority(gic: &mut Gic, acc: &Access, value: u64) {
    let config = gic.config;
    write_fields(gic, acc, value, |_, irq, p| {
        irq.set_priority(p as u8, &config)
    });
}

/// GICD_ICFGR read: 0b10 edge-triggered, 0b00 level-sensitive; SGIs always 0b10.
pub(crate) fn read_config(gic: &mut Gic, acc: &Access) -> u64 {
    read_fields(gic, acc, |intid, irq| {
        if intid < FIRST_PPI || irq.trigger == Trigger::Edge {
            0b10
        } else {
            0b00
        }
    })
}

/// GICD_ICFGR write: SPIs only (SGI and PPI entries are read-only).
pub(crate) fn write_config(gic: &mut Gic, acc: &Access, value: u64) {
    write_fields(gic, acc, value, |intid, irq, f| {
        if intid >= FIRST_SPI {
            irq.trigger = if f & 0b10 != 0 {
                Trigger::Edge
            } else {
                Trigger::Level
            };
        }
    });
}
