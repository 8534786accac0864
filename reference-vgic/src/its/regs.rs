//! The ITS frame's register map (IHI 0069H §12.19 "The ITS register descriptions",
//! ITS register map): the 64 KiB control frame at 0 and the translation frame at 0x10000,
//! together one 128 KiB [`crate::Frame::Its`].
//!
//! Invariants:
//! - One row per register, sorted and disjoint (checked with the other tables).
//! - 64-bit registers accept 64-bit accesses and 32-bit accesses to either half
//!   ("bits \[63:32\] and \[31:0\] are accessible separately").
//! - GITS_CBASER and `GITS_BASER<n>` ignore writes while GITS_CTLR.Enabled == 1 (UNPREDICTABLE;
//!   irqsuite's choice). Writing GITS_CBASER clears GITS_CREADR (and, irqsuite's choice,
//!   GITS_CWRITER and Stalled).
//! - A GITS_CWRITER write whose offset is not inside the queue is ignored (UNPREDICTABLE;
//!   irqsuite's choice), so the command loop always terminates.
//! - GITS_BASER0 is the Device table (Type 1), GITS_BASER1 the Collection table (Type 4);
//!   Entry_Size reads 7 (8 bytes) and Type is read-only; Page_Size 0b11 (reserved) is stored
//!   as 0b10 (64 KiB). GITS_BASER2-7 are unimplemented (Type 0, RAZ/WI).

use super::cmd::process_queue;
use super::handlers::translate;
use super::tables::{ENTRY_SIZE, TYPE_COLLECTIONS, TYPE_DEVICES};
use crate::Gic;
use crate::mmio::dist::read_iidr;
use crate::mmio::{Access, Region, W16, W32, W64, read_raz, write_wi};

/// GITS_CTLR.Quiescent [31].
const CTLR_QUIESCENT: u64 = 1 << 31;
/// GITS_CBASER writable bits: Size \[7:0\], Shareability \[11:10\], Physical_Address \[51:12\],
/// OuterCache \[55:53\], InnerCache \[61:59\], Valid [63].
const CBASER_RW: u64 =
    0xff | 0b11 << 10 | (((1 << 52) - 1) & !0xfff) | 0b111 << 53 | 0b111 << 59 | 1 << 63;
/// `GITS_BASER<n>` writable bits: Size \[7:0\], Page_Size \[9:8\], Shareability \[11:10\],
/// Physical_Address \[47:12\], OuterCache \[55:53\], InnerCache \[61:59\], Indirect [62], Valid [63].
const BASER_RW: u64 =
    0xff | 0b11 << 8 | 0b11 << 10 | 0x0000_ffff_ffff_f000 | 0b111 << 53 | 0b111 << 59 | 0b11 << 62;
/// irqsuite's GITS_PIDR2: ArchRev 3 (GICv3), as for GICD/GICR.
const PIDR2: u64 = 0x3b;

/// Merge a 32-bit half write into a 64-bit register value.
fn merge(old: u64, acc: &Access, value: u64) -> u64 {
    if acc.width == 8 {
        return value;
    }
    let shift = (acc.offset % 8) * 8;
    (old & !(0xffff_ffffu64 << shift)) | (value & 0xffff_ffff) << shift
}

/// The 32-bit half (or the whole) of a 64-bit register an access reads.
fn half(value: u64, acc: &Access) -> u64 {
    value >> ((acc.offset % 8) * 8)
}

fn read_ctlr(gic: &mut Gic, _: &Access) -> u64 {
    gic.its
        .as_ref()
        .map_or(0, |its| if its.enabled { 1 } else { CTLR_QUIESCENT })
}

/// GITS_CTLR: Enabled [0] is RW; enabling runs any queued commands.
fn write_ctlr(gic: &mut Gic, _: &Access, value: u64) {
    if let Some(its) = gic.its.as_mut() {
        its.enabled = value & 1 != 0;
    }
    process_queue(gic);
}

/// GITS_TYPER (IHI 0069H §12.19): Physical [0] = 1, ITT_entry_size \[7:4\], ID_bits \[12:8\],
/// Devbits \[17:13\], PTA [19] = 0, HCC \[31:24\], CIDbits \[35:32\], CIL [36].
fn read_typer(gic: &mut Gic, acc: &Access) -> u64 {
    let Some(c) = gic.config.its else {
        return 0;
    };
    let cil = c.collection_bits < 16;
    let cid = if cil {
        u64::from(c.collection_bits - 1)
    } else {
        0
    };
    let v = 1
        | (ENTRY_SIZE - 1) << 4
        | u64::from(c.event_bits - 1) << 8
        | u64::from(c.device_bits - 1) << 13
        | u64::from(c.hcc) << 24
        | cid << 32
        | u64::from(cil) << 36;
    half(v, acc)
}

fn read_cbaser(gic: &mut Gic, acc: &Access) -> u64 {
    half(gic.its.as_ref().map_or(0, |its| its.cbaser), acc)
}

fn write_cbaser(gic: &mut Gic, acc: &Access, value: u64) {
    if let Some(its) = gic.its.as_mut().filter(|its| !its.enabled) {
        its.cbaser = merge(its.cbaser, acc, value) & CBASER_RW;
        its.creadr = 0;
        its.cwriter = 0;
        its.stalled = false;
    }
}

fn read_cwriter(gic: &mut Gic, acc: &Access) -> u64 {
    half(
        gic.its.as_ref().map_or(0, |its| u64::from(its.cwriter)),
        acc,
    )
}

/// GITS_CWRITER: Offset \[19:5\]; Retry [0] restarts a stalled queue. Then process.
fn write_cwriter(gic: &mut Gic, acc: &Access, value: u64) {
    let Some(its) = gic.its.as_mut() else {
        return;
    };
    let v = merge(u64::from(its.cwriter), acc, value);
    let offset = (v & 0xf_ffe0) as u32;
    if offset >= its.queue_bytes() {
        return;
    }
    its.cwriter = offset;
    if v & 1 != 0 {
        its.stalled = false;
    }
    process_queue(gic);
}

/// GITS_CREADR (RO): Offset \[19:5\], Stalled [0].
fn read_creadr(gic: &mut Gic, acc: &Access) -> u64 {
    let v = gic
        .its
        .as_ref()
        .map_or(0, |its| u64::from(its.creadr) | u64::from(its.stalled));
    half(v, acc)
}

/// `GITS_BASER<n>`: rows 0 and 1 are implemented.
fn read_baser(gic: &mut Gic, acc: &Access) -> u64 {
    let n = (acc.offset / 8) as usize;
    let Some(stored) = gic.its.as_ref().and_then(|its| its.baser.get(n)) else {
        return 0;
    };
    let ty = if n == 0 {
        TYPE_DEVICES
    } else {
        TYPE_COLLECTIONS
    };
    half(*stored | (ENTRY_SIZE - 1) << 48 | ty << 56, acc)
}

fn write_baser(gic: &mut Gic, acc: &Access, value: u64) {
    let n = (acc.offset / 8) as usize;
    let Some(its) = gic.its.as_mut().filter(|its| !its.enabled) else {
        return;
    };
    let Some(stored) = its.baser.get_mut(n) else {
        return;
    };
    let mut v = merge(*stored, acc, value) & BASER_RW;
    if (v >> 8) & 3 == 3 {
        v &= !(1 << 8);
    }
    *stored = v;
}

fn read_pidr2(_: &mut Gic, _: &Access) -> u64 {
    PIDR2
}

/// GITS_TRANSLATER (WO, 16 or 32 bits): a write by a CPU carries the configured DeviceID
/// ([`crate::ItsConfig::cpu_device_id`]). Translation errors are recorded like ignored
/// requests: dropped.
fn write_translater(gic: &mut Gic, _: &Access, value: u64) {
    let device = gic.config.its.map_or(0, |c| c.cpu_device_id);
    let _dropped_if_err = translate(gic, device, value as u32);
}

/// The ITS frame: control (0x0000-0xffff) and translation (0x10000-0x1ffff).
pub(crate) const REGIONS: &[Region] = &[
    Region::reg(0x0000, 4, W32, read_ctlr, write_ctlr),
    Region::reg(0x0004, 4, W32, read_iidr, write_wi),
    Region::reg(0x0008, 8, W32 | W64, read_typer, write_wi),
    Region::reg(0x0080, 8, W32 | W64, read_cbaser, write_cbaser),
    Region::reg(0x0088, 8, W32 | W64, read_cwriter, write_cwriter),
    Region::reg(0x0090, 8, W32 | W64, read_creadr, write_wi),
    Region::reg(0x0100, 0x40, W32 | W64, read_baser, write_baser),
    Region::reg(0xffd0, 0x18, W32, read_raz, write_wi),
    Region::reg(0xffe8, 4, W32, read_pidr2, write_wi),
    Region::reg(0xffec, 0x14, W32, read_raz, write_wi),
    Region::reg(0x1_0040, 4, W16 | W32, read_raz, write_translater),
];
