//! CPU interface state shared by GICv2 (GICC_*) and GICv3 (ICC_*): enables, priority mask,
//! binary points, EOI mode and the active priorities, plus acknowledge / EOI / deactivate.
//!
//! Invariants:
//! - `pmr` holds implemented priority bits only (IHI 0048B §4.4.2 GICC_PMR, IHI 0069H
//!   ICC_PMR_EL1: unimplemented low bits RAZ/WI).
//! - `bpr[0] >= config.min_bpr0()` and `bpr[1] >= config.min_bpr0() + 1`: writes below the
//!   minimum set the minimum (IHI 0048B §4.4.3, IHI 0069H ICC_BPR0_EL1/ICC_BPR1_EL1).
//! - The active priorities are one bit per preemption level and per group
//!   (IHI 0048B §4.4.12 GICC_APRn recommended layout; IHI 0069H ICC_AP0Rn/AP1Rn_EL1): bit `i` stands for the
//!   group priority `i << ap_shift()`. The running priority is the lowest set bit over both
//!   groups, 0xff when none is set (IHI 0048B §4.4.6 GICC_RPR, IHI 0069H ICC_RPR_EL1).
//! - Acknowledge sets exactly one active-priority bit; a priority drop (EOI) clears exactly
//!   the lowest set one. Deactivation never touches the active priorities.

use crate::config::GicConfig;
use crate::irq::{Group, INTID_GROUP1_NOT_ACKED, INTID_SPURIOUS, Irqs};
use crate::oracle::Candidate;

/// Idle running priority.
pub const IDLE_PRIORITY: u8 = 0xff;

/// One CPU interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuIf {
    /// Group enables: GICC_CTLR.EnableGrp0/1 (v2), ICC_IGRPEN0/1_EL1 (v3).
    pub enable: [bool; 2],
    /// GICv2 GICC_CTLR.AckCtl (bit 2): GICC_IAR may acknowledge Group 1 interrupts.
    pub ack_ctl: bool,
    /// GICv2 GICC_CTLR.CBPR (bit 4): GICC_BPR also controls Group 1 preemption.
    pub cbpr: bool,
    /// GICC_CTLR.EOImodeS (bit 9, v2) / ICC_CTLR_EL1.EOImode (bit 1, v3).
    pub eoimode: bool,
    /// Priority mask: only interrupts with a priority strictly lower than this are signalled.
    pub pmr: u8,
    /// Binary points: `[0]` GICC_BPR / ICC_BPR0_EL1, `[1]` GICC_ABPR / ICC_BPR1_EL1.
    pub bpr: [u8; 2],
    /// Active priorities per group, 128 preemption levels each.
    pub ap: [[u32; 4]; 2],
}

impl CpuIf {
    /// Reset state: everything disabled, PMR 0 (all masked), binary points at their minimum
    /// (irqsuite's choice for the IMPLEMENTATION DEFINED reset values), nothing active.
    pub fn new(config: &GicConfig) -> CpuIf {
        let min = config.min_bpr0();
        CpuIf {
            enable: [false; 2],
            ack_ctl: false,
            cbpr: false,
            eoimode: false,
            pmr: 0,
            bpr: [min, min + 1],
            ap: [[0; 4]; 2],
        }
    }

    /// Write a binary point, clamping to the group's minimum (3-bit field).
    pub fn set_bpr(&mut self, group: Group, value: u64, config: &GicConfig) {
        let min = config.min_bpr0() + group.index() as u8;
        self.bpr[group.index()] = ((value & 7) as u8).max(min);
    }

    /// The group priority of `priority` for an interrupt of `group` (IHI 0048B §3.3, table 3-2
    /// "priority grouping by binary point", and §4.4.3; IHI 0069H §4.8, ICC_BPR0_EL1/BPR1_EL1): Group 0 (and Group 1 under CBPR) uses BPR `n` as
    /// "group priority = bits [7:n+1]"; Group 1 uses BPR1/ABPR `n` as "bits [7:n]".
    pub fn group_priority(&self, priority: u8, group: Group) -> u8 {
        let shift = match group {
            Group::G0 => u32::from(self.bpr[0]) + 1,
            Group::G1 if self.cbpr => u32::from(self.bpr[0]) + 1,
            Group::G1 => u32::from(self.bpr[1]),
        };
        let mask = 0xffu32.checked_shl(shift).unwrap_or(0) as u8;
        priority & mask
    }

    /// Running priority: the highest (numerically lowest) active group priority, or 0xff.
    pub fn running_priority(&self, config: &GicConfig) -> u8 {
        self.highest_active()
            .map(|(_, level)| level_priority(level, config))
            .unwrap_or(IDLE_PRIORITY)
    }

    /// The group and preemption level of the highest active priority, if any. On a tie the
    /// Group 0 bit is reported first.
    fn highest_active(&self) -> Option<(Group, usize)> {
        let lowest = |words: &[u32; 4]| {
            words
                .iter()
                .enumerate()
                .find(|(_, w)| **w != 0)
                .map(|(i, w)| i * 32 + w.trailing_zeros() as usize)
        };
        match (lowest(&self.ap[0]), lowest(&self.ap[1])) {
            (Some(a), Some(b)) if b < a => Some((Group::G1, b)),
            (Some(a), _) => Some((Group::G0, a)),
            (None, Some(b)) => Some((Group::G1, b)),
            (None, None) => None,
        }
    }

    /// Can `candidate` be signalled now: priority below the mask and group priority above the
    /// running priority (IHI 0048B §3.3 preemption and priority masking, IHI 0069H §4.8)?
    pub fn can_signal(&self, candidate: &Candidate, config: &GicConfig) -> bool {
        candidate.priority < self.pmr
            && self.group_priority(candidate.priority, candidate.group)
                < self.running_priority(config)
    }

    /// Clear the highest active priority (priority drop). Returns false when none was active
    /// (the EOI is then ignored: irqsuite's choice for an UNPREDICTABLE write).
    /// `only` restricts the drop to a group's bits (ICC_EOIR1_EL1 drops Group 1 only).
    pub fn priority_drop(&mut self, only: Option<Group>) -> bool {
        match self.highest_active() {
            Some((group, level)) if only.is_none_or(|g| g == group) => {
                self.ap[group.index()][level / 32] &= !(1 << (level % 32));
                true
            }
            _ => false,
        }
    }
}

/// Number of low priority bits that do not select a preemption level: at most 128 levels
/// (the minimum Group 0 binary point leaves bit 0 as subpriority with 8 implemented bits).
pub fn ap_shift(config: &GicConfig) -> u32 {
    8 - u32::from(config.pri_bits.min(7))
}

/// The preemption level (active-priority bit index) of a group priority.
pub fn priority_level(group_priority: u8, config: &GicConfig) -> usize {
    (u32::from(group_priority) >> ap_shift(config)) as usize
}

fn level_priority(level: usize, config: &GicConfig) -> u8 {
    ((level as u32) << ap_shift(config)) as u8
}

/// Mask of the implemented bits of the first active-priority word (GICC_APR0, ICC_AP1R0_EL1):
/// one bit per preemption level, up to 32.
pub fn ap0_mask(config: &GicConfig) -> u32 {
    let levels = 1u64 << (8 - ap_shift(config));
    if levels >= 32 {
        u32::MAX
    } else {
        ((1u64 << levels) - 1) as u32
    }
}

/// Which acknowledge register is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckView {
    /// GICC_IAR/GICC_HPPIR of a GICv2 without Security Extensions: both groups, Group 1 only
    /// with AckCtl (else 1022).
    Both,
    /// ICC_IAR1_EL1/ICC_HPPIR1_EL1, GICC_AIAR/GICC_AHPPIR: Group 1 only (a Group 0 interrupt
    /// reads as 1023).
    Group1,
}

/// What an HPPIR/IAR read reports for the current highest priority pending interrupt,
/// without changing anything (IHI 0048B §4.4.4 GICC_IAR, §4.4.7 GICC_HPPIR; IHI 0069H ICC_IAR1_EL1,
/// ICC_HPPIR1_EL1). `Err` carries the special INTID (1022 or 1023) to report instead.
fn reportable(
    view: AckView,
    cpuif: &CpuIf,
    candidate: Option<Candidate>,
) -> Result<Candidate, u32> {
    let Some(c) = candidate else {
        return Err(INTID_SPURIOUS);
    };
    match (view, c.group) {
        (AckView::Both, Group::G1) if !cpuif.ack_ctl => Err(INTID_GROUP1_NOT_ACKED),
        (AckView::Group1, Group::G0) => Err(INTID_SPURIOUS),
        _ => Ok(c),
    }
}

/// HPPIR: the highest priority pending interrupt regardless of the priority mask and the
/// running priority (they decide signalling, not what is pending).
pub fn hppir(view: AckView, cpuif: &CpuIf, candidate: Option<Candidate>) -> u32 {
    match reportable(view, cpuif, candidate) {
        Ok(c) => c.iar_value(),
        Err(special) => special,
    }
}

/// IAR: acknowledge the highest priority pending interrupt of `cpu` if it can be signalled.
/// `take` removes its pending state and, if it has one, makes it active ([`take_irq`] for
/// SGIs/PPIs/SPIs; for an LPI, which has no active state, only the pending state goes,
/// IHI 0069H §5.1); it returns false if there was nothing to take. The group priority is then
/// recorded in the active priorities. Returns the IAR value: the INTID (plus the source CPU
/// in bits [12:10] for a GICv2 SGI) or a special INTID (IHI 0048B ch. 3 "Interrupt handling
/// and prioritization"; IHI 0069H ch. 4, "Physical interrupt handling and prioritization").
pub fn acknowledge(
    view: AckView,
    cpuif: &mut CpuIf,
    config: &GicConfig,
    candidate: Option<Candidate>,
    take: impl FnOnce(&Candidate) -> bool,
) -> u32 {
    let c = match reportable(view, cpuif, candidate) {
        Ok(c) => c,
        Err(special) => return special,
    };
    if !cpuif.can_signal(&c, config) || !take(&c) {
        return INTID_SPURIOUS;
    }
    let level = priority_level(cpuif.group_priority(c.priority, c.group), config);
    cpuif.ap[c.group.index()][level / 32] |= 1 << (level % 32);
    c.iar_value()
}

/// Acknowledge an SGI, PPI or SPI: it becomes active and its pending latch (or, for a GICv2
/// SGI, the latch of the reported source) is cleared; a level interrupt with its line high
/// stays pending (active and pending). False if the INTID has no state.
pub fn take_irq(cpu: usize, irqs: &mut Irqs, c: &Candidate) -> bool {
    let Some(irq) = irqs.get_mut(cpu, c.intid) else {
        return false;
    };
    match c.source {
        Some(src) => irq.sgi_sources &= !(1 << src),
        None => irq.pending_latch = false,
    }
    irq.active = true;
    true
}

/// Deactivate `intid` for `cpu` (EOImode 0 EOI, or DIR). Special and nonexistent INTIDs are
/// ignored.
pub fn deactivate(cpu: usize, intid: u32, irqs: &mut Irqs) {
    if let Some(irq) = irqs.get_mut(cpu, intid) {
        irq.active = false;
    }
}

/// EOIR: priority drop, plus deactivation of the written INTID when EOImode is 0
/// (IHI 0048B §4.4.5 GICC_EOIR, IHI 0069H ICC_EOIR1_EL1). INTIDs 1020..1023 are ignored.
pub fn end_of_interrupt(
    cpu: usize,
    intid: u32,
    only: Option<Group>,
    cpuif: &mut CpuIf,
    irqs: &mut Irqs,
) {
    if (1020..=1023).contains(&intid) {
        return;
    }
    if cpuif.priority_drop(only) && !cpuif.eoimode {
        deactivate(cpu, intid, irqs);
    }
}

/// DIR: deactivate when EOImode is 1. With EOImode 0 the write is ignored: IHI 0069H
/// (ICC_DIR_EL1, GICC_DIR with DS == 1) requires it to be ignored; IHI 0048B §4.4.15 makes it
/// UNPREDICTABLE and irqsuite ignores it there too. The source CPU bits [12:10] of a GICv2 SGI
/// are not used: active state is kept per SGI, not per source.
pub fn deactivate_interrupt(cpu: usize, intid: u32, cpuif: &CpuIf, irqs: &mut Irqs) {
    if cpuif.eoimode {
        deactivate(cpu, intid, irqs);
    }
}
