//! Memory-mapped register frames: the region table type and the one dispatcher.
//!
//! Invariants:
//! - Every frame is a `const` table of [`Region`]s, one row per architectural register (or
//!   per register array), sorted by offset and non-overlapping (checked by a unit test).
//! - [`dispatch_read`] / [`dispatch_write`] alone decide access width, alignment and whether
//!   anything is mapped; a failed check is RAZ/WI and is reported as an [`IgnoreReason`] for the
//!   caller to record. Handlers therefore always see an allowed, naturally aligned access that
//!   lies inside their row, and never fail.
//! - Registers that are architecturally RAZ/WI in this configuration (e.g. GICD_NSACR with one
//!   Security state) are rows with [`read_raz`] / [`write_wi`]: they are *not* reported.
//! - Per-interrupt registers address INTIDs through [`Access::irq`], which only yields
//!   interrupts in the frame's INTID window (`Access::irqs`) that exist: the rest is RAZ/WI
//!   (IHI 0048B §4.3 "registers for unimplemented interrupts are RAZ/WI").

pub(crate) mod dist;
pub(crate) mod gicc;
pub(crate) mod per_irq;
pub(crate) mod redist;

use core::ops::Range;

use crate::Gic;
use crate::config::CpuId;
use crate::irq::Irq;

/// Access widths a row allows (bit = width in bytes).
pub(crate) const W8: u8 = 1;
/// 16-bit accesses.
pub(crate) const W16: u8 = 2;
/// 32-bit accesses.
pub(crate) const W32: u8 = 4;
/// 64-bit accesses.
pub(crate) const W64: u8 = 8;

/// A read handler: the value of the register (bits beyond the access width are masked off).
pub(crate) type ReadFn = fn(&mut Gic, &Access) -> u64;
/// A write handler.
pub(crate) type WriteFn = fn(&mut Gic, &Access, u64);

/// One architectural register (or register array) of a frame.
#[derive(Clone, Copy)]
pub(crate) struct Region {
    /// Offset of the first byte within the frame.
    pub offset: u32,
    /// Length in bytes.
    pub len: u32,
    /// For per-interrupt arrays, bits per INTID (1, 2, 8, 64); 0 otherwise.
    pub bits_per_irq: u8,
    /// Allowed access widths (`W8 | W32`, ...).
    pub widths: u8,
    /// Read handler.
    pub read: ReadFn,
    /// Write handler.
    pub write: WriteFn,
}

impl Region {
    /// A per-interrupt register array of `bits` bits per INTID covering `count` INTIDs.
    pub(crate) const fn per_irq(
        offset: u32,
        bits: u8,
        count: u32,
        widths: u8,
        read: ReadFn,
        write: WriteFn,
    ) -> Region {
        Region {
            offset,
            len: count * bits as u32 / 8,
            bits_per_irq: bits,
            widths,
            read,
            write,
        }
    }

    /// A register (or block) of `len` bytes.
    pub(crate) const fn reg(
        offset: u32,
        len: u32,
        widths: u8,
        read: ReadFn,
        write: WriteFn,
    ) -> Region {
        Region {
            offset,
            len,
            bits_per_irq: 0,
            widths,
            read,
            write,
        }
    }
}

/// A memory-mapped frame of the GIC, as addressed by the accessing CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frame {
    /// GICD: GICv2 4 KiB, GICv3 64 KiB.
    Distributor,
    /// GICv2 GICC of the accessing CPU, 8 KiB (GICC_DIR at 0x1000).
    CpuInterface,
    /// GICv3 redistributor RD_base of a CPU.
    Redistributor(CpuId),
    /// GICv3 redistributor SGI_base of a CPU.
    RedistributorSgi(CpuId),
    /// The GICv3 ITS, 128 KiB: the control frame (GITS_CTLR ... `GITS_BASER<n>`, ID registers)
    /// at 0 and the translation frame at 0x10000 (GITS_TRANSLATER at 0x10040). One frame
    /// for both, so a guest's two ITS pages are offsets of one base. Exists only when the
    /// configuration has an ITS.
    Its,
}

/// Whether an ignored access was a read or a write (with the value written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessKind {
    /// A read (it returned 0).
    Read,
    /// A write of this value (it was dropped).
    Write(u64),
}

/// An access the dispatcher treated as RAZ/WI because nothing is mapped there or the width or
/// alignment is not allowed (diagnostics; architecturally RAZ/WI registers are not reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IgnoredAccess {
    /// The accessing CPU.
    pub cpu: CpuId,
    /// The frame.
    pub frame: Frame,
    /// Offset within the frame.
    pub offset: u32,
    /// Width in bytes.
    pub width: u8,
    /// Read or write.
    pub kind: AccessKind,
    /// Why it was ignored.
    pub reason: IgnoreReason,
}

/// Why the dispatcher treated an access as RAZ/WI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IgnoreReason {
    /// No register at this offset (reserved or unmapped).
    Unmapped,
    /// The width is not 1, 2, 4 or 8, or the register does not allow it.
    Width,
    /// Not naturally aligned, or straddles the end of the register.
    Misaligned,
    /// The frame does not exist in this configuration (wrong GIC version, no such CPU).
    NoSuchFrame,
}

/// What the handlers see of an access.
pub(crate) struct Access {
    /// The accessing CPU.
    pub cpu: usize,
    /// The CPU whose SGI/PPI bank (and redistributor) the frame addresses.
    pub bank_cpu: usize,
    /// INTIDs this frame can address through per-interrupt registers.
    pub irqs: Range<u32>,
    /// Offset of the access within its region.
    pub offset: u32,
    /// Width in bytes.
    pub width: u8,
    /// Bits per INTID of the region (0 when not a per-interrupt array).
    pub bits_per_irq: u8,
}

impl Access {
    /// The INTIDs covered by this access, with their bit position in the value.
    pub(crate) fn fields(&self) -> impl Iterator<Item = (u32, u32)> + use<> {
        let bits = u32::from(self.bits_per_irq.max(1));
        let first = self.offset * 8 / bits;
        let count = u32::from(self.width) * 8 / bits;
        (0..count).map(move |i| (first + i, i * bits))
    }

    /// The interrupt `intid` if this frame can address it and it exists.
    pub(crate) fn irq<'g>(&self, gic: &'g Gic, intid: u32) -> Option<&'g Irq> {
        if !self.irqs.contains(&intid) {
            return None;
        }
        gic.irqs.get(self.bank_cpu, intid)
    }

    /// Mutable [`Access::irq`].
    pub(crate) fn irq_mut<'g>(&self, gic: &'g mut Gic, intid: u32) -> Option<&'g mut Irq> {
        if !self.irqs.contains(&intid) {
            return None;
        }
        gic.irqs.get_mut(self.bank_cpu, intid)
    }
}

/// Which frame an access goes to, resolved by [`crate::Gic`].
pub(crate) struct Target {
    /// The register table.
    pub table: &'static [Region],
    /// The accessing CPU.
    pub cpu: usize,
    /// Whose banked interrupts the frame shows.
    pub bank_cpu: usize,
    /// The INTIDs its per-interrupt registers address.
    pub irqs: Range<u32>,
}

fn width_mask(width: u8) -> u64 {
    match width {
        8 => u64::MAX,
        w => (1u64 << (u32::from(w) * 8)) - 1,
    }
}

/// Find the row for `offset` and check width and alignment.
fn check(
    target: &Target,
    offset: u32,
    width: u8,
) -> Result<(&'static Region, Access), IgnoreReason> {
    if !matches!(width, 1 | 2 | 4 | 8) {
        return Err(IgnoreReason::Width);
    }
    let table = target.table;
    let region = table
        .iter()
        .find(|r| offset >= r.offset && offset - r.offset < r.len)
        .ok_or(IgnoreReason::Unmapped)?;
    if region.widths & width == 0 {
        return Err(IgnoreReason::Width);
    }
    let rel = offset - region.offset;
    if !offset.is_multiple_of(u32::from(width)) || rel + u32::from(width) > region.len {
        return Err(IgnoreReason::Misaligned);
    }
    Ok((
        region,
        Access {
            cpu: target.cpu,
            bank_cpu: target.bank_cpu,
            irqs: target.irqs.clone(),
            offset: rel,
            width,
            bits_per_irq: region.bits_per_irq,
        },
    ))
}

/// Read `width` bytes at `offset` of the frame `target`.
pub(crate) fn dispatch_read(
    gic: &mut Gic,
    target: &Target,
    offset: u32,
    width: u8,
) -> Result<u64, IgnoreReason> {
    let (region, access) = check(target, offset, width)?;
    Ok((region.read)(gic, &access) & width_mask(width))
}

/// Write `width` bytes of `value` at `offset` of the frame `target`.
pub(crate) fn dispatch_write(
    gic: &mut Gic,
    target: &Target,
    offset: u32,
    width: u8,
    value: u64,
) -> Result<(), IgnoreReason> {
    let (region, access) = check(target, offset, width)?;
    (region.write)(gic, &access, value & width_mask(width));
    Ok(())
}

/// Read-as-zero.
pub(crate) fn read_raz(_: &mut Gic, _: &Access) -> u64 {
    0
}

/// Write-ignored.
pub(crate) fn write_wi(_: &mut Gic, _: &Access, _: u64) {}

/// Assemble a per-interrupt register from one field per INTID (absent INTIDs read 0).
pub(crate) fn read_fields(gic: &Gic, acc: &Access, field: impl Fn(u32, &Irq) -> u64) -> u64 {
    acc.fields()
        .filter_map(|(intid, shift)| acc.irq(gic, intid).map(|irq| field(intid, irq) << shift))
        .fold(0, |v, f| v | f)
}

/// Apply one field per INTID of a per-interrupt register write (absent INTIDs ignored).
pub(crate) fn write_fields(
    gic: &mut Gic,
    acc: &Access,
    value: u64,
    mut apply: impl FnMut(u32, &mut Irq, u64),
) {
    let bits = u32::from(acc.bits_per_irq.max(1));
    let mask = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    for (intid, shift) in acc.fields() {
        if let Some(irq) = acc.irq_mut(gic, intid) {
            apply(intid, irq, (value >> shift) & mask);
        }
    }
}

/// Apply `apply` to every INTID whose bit is set in a 1-bit-per-INTID write (set/clear
/// registers: writing 0 has no effect).
pub(crate) fn write_set_bits(
    gic: &mut Gic,
    acc: &Access,
    value: u64,
    mut apply: impl FnMut(u32, &mut Irq),
) {
    write_fields(gic, acc, value, |intid, irq, bit| {
        if bit != 0 {
            apply(intid, irq);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_and_disjoint(name: &str, table: &[Region]) {
        for pair in table.windows(2) {
            assert!(
                pair[0].offset + pair[0].len <= pair[1].offset,
                "{name}: row at {:#x} overlaps or precedes row at {:#x}",
                pair[0].offset,
                pair[1].offset
            );
        }
        for r in table {
            assert!(
                r.len > 0 && r.widths != 0,
                "{name}: empty row at {:#x}",
                r.offset
            );
        }
    }

    #[test]
    fn region_tables_are_sorted_and_disjoint() {
        sorted_and_disjoint("GICv2 GICD", dist::V2_REGIONS);
        sorted_and_disjoint("GICv3 GICD", dist::V3_REGIONS);
        sorted_and_disjoint("GICC", gicc::REGIONS);
        sorted_and_disjoint("GICR RD_base", redist::RD_REGIONS);
        sorted_and_disjoint("GICR SGI_base", redist::SGI_REGIONS);
        sorted_and_disjoint("GICR RD_base with LPIs", redist::RD_LPI_REGIONS);
        sorted_and_disjoint("GITS", crate::its::regs::REGIONS);
    }
}
