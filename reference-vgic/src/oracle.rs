//! The one pure function that decides which interrupt a CPU interface sees next.
//!
//! Invariants:
//! - [`highest_pending`] reads state and never changes it; IAR and HPPIR (v2 and v3) both call
//!   it, so "what is pending for this CPU" has exactly one definition.
//! - A candidate is: enabled, pending, not active (an active and pending interrupt is not
//!   forwarded again until deactivated), its group enabled in the distributor *and* the CPU
//!   interface, and routed to the CPU (banked, GICD_ITARGETSR, or GICD_IROUTER), and on GICv3
//!   the CPU's redistributor is awake (GICR_WAKER.ProcessorSleep == 0).
//!   (IHI 0048B §3.2 and §4.4.7 "Interrupt identifiers corresponding to an interrupt group that
//!   is not enabled are ignored"; IHI 0069H §4.1, ICC_HPPIR1_EL1, GICR_WAKER.)
//! - The priority mask and the running priority are *not* applied here: they decide whether the
//!   candidate is signalled ([`crate::cpuif::CpuIf::can_signal`]), not what is pending.
//! - LPIs (GICv3 with LPIs) are candidates from the redistributor's pending set: pending,
//!   enabled in the redistributor's cached configuration, priority from the configuration
//!   byte (bits \[1:0\] zero, then only implemented bits), Group 1 (IHI 0069H §5.1: LPIs are
//!   always Non-secure Group 1), subject to the same group enables and GICR_WAKER as the
//!   other interrupts. They never have an active state.
//! - Ties: the lowest INTID wins, and for a GICv2 SGI pending from several CPUs the lowest
//!   source CPU (IMPLEMENTATION DEFINED choice, IHI 0048B §3.3; irqsuite's choice).

use crate::Gic;
use crate::config::Version;
use crate::irq::{FIRST_SPI, Group, Irq};

/// The highest priority pending interrupt of a CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// INTID.
    pub intid: u32,
    /// Its (implemented-bits) priority.
    pub priority: u8,
    /// Its group.
    pub group: Group,
    /// GICv2 SGIs: the source CPU that the acknowledge reports.
    pub source: Option<u8>,
}

impl Candidate {
    /// The value GICC_IAR/GICC_HPPIR/ICC_IAR1_EL1 returns: INTID, and for a GICv2 SGI the
    /// source CPUID in bits \[12:10\] (IHI 0048B §4.4.4).
    pub fn iar_value(&self) -> u32 {
        self.intid | self.source.map_or(0, |s| u32::from(s) << 10)
    }
}

/// Is `irq` (an SPI when `intid >= 32`) routed to `cpu`?
fn routed_to(gic: &Gic, cpu: usize, intid: u32, irq: &Irq) -> bool {
    if intid < FIRST_SPI {
        return true; // banked: the bank is the CPU's own
    }
    match gic.config.version {
        // IHI 0048B §4.3.12: on a uniprocessor all interrupts target the one processor.
        Version::V2 => gic.config.cpus == 1 || irq.targets & (1u8 << (cpu & 7)) != 0,
        // IHI 0069H GICD_IROUTER: 1-of-N lets any PE take it, otherwise Aff3.Aff2.Aff1.Aff0
        // must name the PE, whose affinity is 0.0.0.<cpu>.
        Version::V3 => irq.route.any || irq.route.aff == [0, 0, 0, cpu as u8],
    }
}

/// The highest priority pending interrupt that `cpu` could acknowledge, ignoring the priority
/// mask and the running priority. `None` when there is none (or `cpu` does not exist).
pub fn highest_pending(gic: &Gic, cpu: usize) -> Option<Candidate> {
    let cpuif = gic.cpuifs.get(cpu)?;
    if gic.config.version == Version::V3 && gic.redists.get(cpu)?.processor_sleep {
        return None;
    }
    let group_on = |g: Group| gic.dist.enable[g.index()] && cpuif.enable[g.index()];
    let lines = gic
        .irqs
        .visible(cpu)
        .filter(|(intid, irq)| {
            irq.enabled
                && irq.is_pending()
                && !irq.active
                && group_on(irq.group)
                && routed_to(gic, cpu, *intid, irq)
        })
        .map(|(intid, irq)| Candidate {
            intid,
            priority: irq.priority,
            group: irq.group,
            source: (irq.sgi_sources != 0).then(|| irq.sgi_sources.trailing_zeros() as u8),
        });
    let lpi = &gic.redists.get(cpu)?.lpi;
    let mask = gic.config.priority_mask();
    let lpis = lpi
        .pending
        .iter()
        .filter(|_| group_on(Group::G1))
        .filter_map(|intid| {
            let config = lpi.cache.get(intid).filter(|c| c.enabled)?;
            Some(Candidate {
                intid: *intid,
                priority: config.priority & mask,
                group: Group::G1,
                source: None,
            })
        });
    // Both sources ascend by INTID and every LPI INTID is above every SPI, so min_by_key
    // (which keeps the first minimum) lets the lowest INTID win ties.
    lines.chain(lpis).min_by_key(|c| c.priority)
}
