//! Locality-specific Peripheral Interrupts on a redistributor: the LPI configuration table
//! (GICR_PROPBASER), the LPI pending table (GICR_PENDBASER), GICR_CTLR.EnableLPIs, and the
//! redistributor's cache of LPI configuration (IHI 0069H §5.1, §5.1.1 "LPI Configuration
//! tables", §5.1.2 "LPI Pending tables", §12.11 GICR_CTLR / GICR_PROPBASER / GICR_PENDBASER).
//!
//! Invariants:
//! - LPIs are INTIDs `FIRST_LPI ..`; they are edge-triggered, Group 1 (Non-secure Group 1 with
//!   DS == 1) and have **no active state** (IHI 0069H §5.1: an acknowledged LPI goes from pending
//!   to inactive). Their pending state is a set per redistributor ([`RedistLpi::pending`]); it
//!   is only ever non-empty while EnableLPIs is 1.
//! - Every pending LPI has an entry in its redistributor's configuration cache
//!   ([`RedistLpi::cache`]): the entry is loaded from the configuration table the first time the
//!   LPI becomes pending there, and refreshed only by an INV / INVALL (ITS) for that
//!   redistributor. irqsuite's CONSTRAINED choice: a configuration-table change is *not seen*
//!   until invalidated; an implementation that sees it earlier (no cache, or an evicted entry)
//!   is also architectural (IHI 0069H §5.1, paraphrased: redistributors may cache LPI
//!   configuration, and software makes a table change visible with INV or INVALL).
//! - The pending table in guest memory is read once, when EnableLPIs goes 0 -> 1 with
//!   GICR_PENDBASER.PTZ == 0; the model never writes it back (its contents are UNKNOWN to
//!   software while EnableLPIs == 1, IHI 0069H §5.1.2).
//! - EnableLPIs is one-way by default (IMPLEMENTATION DEFINED, advertised by GICR_CTLR.CES ==
//!   0): once set it reads 1 and ignores writes of 0, and GICR_PROPBASER / GICR_PENDBASER
//!   become read-only (writes while EnableLPIs == 1 are UNPREDICTABLE; irqsuite ignores them).
//!   The other allowed choice, a clearable EnableLPIs with CES == 1, is configuration
//!   (`GicConfig::with_clearable_enable_lpis`), so the model can follow a target that made it.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec;
use alloc::vec::Vec;

use crate::Gic;
use crate::memory::read_u8;

/// The first LPI INTID (IHI 0069H §2.2.1).
pub const FIRST_LPI: u32 = 8192;

/// GICR_PROPBASER.IDbits \[4:0\].
const PROP_IDBITS: u64 = 0x1f;
/// Physical_Address bits \[51:12\] of GICR_PROPBASER.
const PROP_PA: u64 = ((1 << 52) - 1) & !0xfff;
/// Physical_Address bits \[51:16\] of GICR_PENDBASER.
const PEND_PA: u64 = ((1 << 52) - 1) & !0xffff;
/// InnerCache \[9:7\], Shareability \[11:10\], OuterCache \[58:56\]: stored as written.
const CACHE_ATTRS: u64 = 0b111 << 7 | 0b11 << 10 | 0b111 << 56;
/// GICR_PROPBASER writable bits.
pub(crate) const PROPBASER_RW: u64 = PROP_IDBITS | PROP_PA | CACHE_ATTRS;
/// GICR_PENDBASER writable (and readable) bits; PTZ is separate.
pub(crate) const PENDBASER_RW: u64 = PEND_PA | CACHE_ATTRS;
/// GICR_PENDBASER.PTZ [62]: the pending table is all zero. Write-only, reads 0.
pub(crate) const PENDBASER_PTZ: u64 = 1 << 62;

/// One LPI's configuration byte (IHI 0069H §5.1.1): Priority \[7:2\] (bits \[1:0\] of the
/// priority are 0), bit 1 RES1, Enable [0].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LpiConfig {
    /// Priority with bits \[1:0\] zero (not yet masked to the implemented bits).
    pub priority: u8,
    /// Enable bit.
    pub enabled: bool,
}

impl LpiConfig {
    fn from_byte(b: u8) -> LpiConfig {
        LpiConfig {
            priority: b & 0xfc,
            enabled: b & 1 != 0,
        }
    }
}

/// The LPI state of one redistributor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct RedistLpi {
    /// GICR_CTLR.EnableLPIs.
    pub enabled: bool,
    /// GICR_PROPBASER (writable bits only).
    pub propbaser: u64,
    /// GICR_PENDBASER (writable bits only).
    pub pendbaser: u64,
    /// GICR_PENDBASER.PTZ as last written.
    pub ptz: bool,
    /// Pending LPIs.
    pub pending: BTreeSet<u32>,
    /// Cached configuration, by INTID (see the module invariants).
    pub cache: BTreeMap<u32, LpiConfig>,
}

impl RedistLpi {
    /// The INTID bits the configuration table covers: GICR_PROPBASER.IDbits + 1, capped by
    /// GICD_TYPER.IDbits + 1 (IHI 0069H §12.11 GICR_PROPBASER.IDbits).
    fn id_bits(&self, gic_bits: u8) -> u32 {
        ((self.propbaser & PROP_IDBITS) as u32 + 1).min(u32::from(gic_bits))
    }

    /// One past the largest LPI INTID this redistributor accepts: `FIRST_LPI` (none) when
    /// IDbits + 1 < 14 (every LPI out of range).
    pub fn limit(&self, gic_bits: u8) -> u32 {
        let bits = self.id_bits(gic_bits);
        if bits < 14 { FIRST_LPI } else { 1 << bits }
    }

    fn config_gpa(&self, intid: u32) -> u64 {
        (self.propbaser & PROP_PA) + u64::from(intid - FIRST_LPI)
    }
}

impl Gic {
    /// Read LPI `intid`'s configuration byte through `cpu`'s GICR_PROPBASER. A memory error
    /// reads as a disabled LPI.
    fn read_lpi_config(&self, cpu: usize, intid: u32) -> LpiConfig {
        let Some(rd) = self.redists.get(cpu) else {
            return LpiConfig::from_byte(0);
        };
        let byte = read_u8(&*self.memory, rd.lpi.config_gpa(intid)).unwrap_or(0);
        LpiConfig::from_byte(byte)
    }

    /// Make LPI `intid` pending on redistributor `cpu`. Returns false (and changes nothing)
    /// when LPIs are disabled there or the INTID is out of its range: the LPI is dropped
    /// (IHI 0069H §5.1: an out-of-range LPI is ignored; LPIs are not forwarded while
    /// EnableLPIs == 0).
    pub(crate) fn set_lpi_pending(&mut self, cpu: usize, intid: u32) -> bool {
        let bits = self.config.lpi_id_bits;
        let Some(rd) = self.redists.get(cpu) else {
            return false;
        };
        if !rd.lpi.enabled || !(FIRST_LPI..rd.lpi.limit(bits)).contains(&intid) {
            return false;
        }
        let cached = rd.lpi.cache.contains_key(&intid);
        let config = (!cached).then(|| self.read_lpi_config(cpu, intid));
        let lpi = &mut self.redists[cpu].lpi;
        if let Some(config) = config {
            lpi.cache.insert(intid, config);
        }
        lpi.pending.insert(intid);
        true
    }

    /// Clear LPI `intid`'s pending state on `cpu`; returns whether it was pending.
    pub(crate) fn clear_lpi_pending(&mut self, cpu: usize, intid: u32) -> bool {
        self.redists
            .get_mut(cpu)
            .is_some_and(|rd| rd.lpi.pending.remove(&intid))
    }

    /// Move the pending state of LPI `intid` from `from` to `to` (MOVI, MOVALL): afterwards it
    /// is pending on `to` and not on `from` (IHI 0069H §5.3 MOVI, paraphrased: a pending
    /// interrupt's pending state moves with it to the new target redistributor). Nothing happens if it was not pending on `from`.
    pub(crate) fn move_lpi_pending(&mut self, from: usize, to: usize, intid: u32) {
        if from != to && self.clear_lpi_pending(from, intid) {
            self.set_lpi_pending(to, intid);
        }
    }

    /// Re-read the configuration of LPI `intid` into `cpu`'s cache, if it is cached there
    /// (INV; an uncached LPI is read when it next becomes pending anyway).
    pub(crate) fn invalidate_lpi(&mut self, cpu: usize, intid: u32) {
        let cached = self
            .redists
            .get(cpu)
            .is_some_and(|rd| rd.lpi.cache.contains_key(&intid));
        if cached {
            let config = self.read_lpi_config(cpu, intid);
            self.redists[cpu].lpi.cache.insert(intid, config);
        }
    }

    /// Re-read every cached LPI configuration of `cpu` (INVALL).
    pub(crate) fn invalidate_all_lpis(&mut self, cpu: usize) {
        let Some(rd) = self.redists.get(cpu) else {
            return;
        };
        let intids: Vec<u32> = rd.lpi.cache.keys().copied().collect();
        for intid in intids {
            self.invalidate_lpi(cpu, intid);
        }
    }

    /// GICR_CTLR.EnableLPIs 1 -> 0 on `cpu` (only with CES = 1): LPIs stop being forwarded; the
    /// LPI state the redistributor holds (pending LPIs, cached configuration) is dropped, not
    /// written back to the pending table — irqsuite's choice where the architecture leaves the
    /// table's contents after disabling UNKNOWN. GICR_PROPBASER/PENDBASER are writable again.
    pub(crate) fn disable_lpis(&mut self, cpu: usize) {
        if let Some(rd) = self.redists.get_mut(cpu) {
            rd.lpi.enabled = false;
            rd.lpi.pending.clear();
            rd.lpi.cache.clear();
        }
    }

    /// GICR_CTLR.EnableLPIs 0 -> 1 on `cpu`: unless PTZ was written as 1, load the pending
    /// bits of INTIDs 8192 and up from the pending table (IHI 0069H §5.1.2: bit `n % 8` of byte
    /// `n / 8` is INTID `n`; the first 1 KiB, INTIDs 0-8191, is IMPLEMENTATION DEFINED and
    /// ignored here).
    pub(crate) fn enable_lpis(&mut self, cpu: usize) {
        let bits = self.config.lpi_id_bits;
        let Some(rd) = self.redists.get_mut(cpu) else {
            return;
        };
        if rd.lpi.enabled {
            return;
        }
        rd.lpi.enabled = true;
        if rd.lpi.ptz {
            return;
        }
        let base = rd.lpi.pendbaser & PEND_PA;
        let limit = rd.lpi.limit(bits);
        let first = (FIRST_LPI / 8) as usize;
        let mut table = vec![0u8; (limit / 8) as usize - first];
        if self.memory.read(base + first as u64, &mut table).is_err() {
            return;
        }
        for (i, byte) in table.iter().enumerate().filter(|(_, b)| **b != 0) {
            for bit in (0..8).filter(|b| byte & (1 << b) != 0) {
                self.set_lpi_pending(cpu, ((first + i) * 8 + bit) as u32);
            }
        }
    }
}
