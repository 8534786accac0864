//! Per-interrupt state and the store that banks it per CPU.
//!
//! Invariants:
//! - Pending is *derived*, never stored: [`Irq::is_pending`] is the latch (plus, for GICv2 SGIs,
//!   the per-source latches) for edge-triggered interrupts, and `latch || line` for
//!   level-sensitive ones (IHI 0048B §4.3.13 / IHI 0069H §4.1.2 "Interrupt handling state
//!   machine").
//! - `priority` only ever holds implemented bits: writers go through [`Irq::set_priority`].
//! - SGIs (0..16) and PPIs (16..32) are banked: one [`Irq`] per CPU. SPIs (32..nr_irqs) exist
//!   once. INTIDs at or above `nr_irqs` have no state at all ([`Irqs::get`] returns `None`).

use alloc::vec::Vec;

use crate::config::GicConfig;

/// First PPI INTID.
pub const FIRST_PPI: u32 = 16;
/// First SPI INTID.
pub const FIRST_SPI: u32 = 32;
/// The spurious INTID: no interrupt (IHI 0048B §3.2.5, IHI 0069H §2.2.1).
pub const INTID_SPURIOUS: u32 = 1023;
/// GICv2 with a single Security state: the highest priority pending interrupt is Group 1 and
/// GICC_CTLR.AckCtl is 0 (IHI 0048B §3.2.5, table 4-39 rows for "Secure" reads).
pub const INTID_GROUP1_NOT_ACKED: u32 = 1022;

/// Interrupt group (GICD_IGROUPR / GICR_IGROUPR0 bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Group 0.
    G0,
    /// Group 1 (with one Security state: the Non-secure Group 1 of GICv3).
    G1,
}

impl Group {
    /// Index into per-group arrays.
    pub fn index(self) -> usize {
        match self {
            Group::G0 => 0,
            Group::G1 => 1,
        }
    }
}

/// Trigger mode (GICD_ICFGR Int_config[1]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// Level-sensitive: pending while the line is high (or the latch is set).
    Level,
    /// Edge-triggered: a rising edge sets the latch.
    Edge,
}

/// GICv3 GICD_IROUTER<n> (IHI 0069H §12.9): affinity path plus the 1-of-N mode bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Route {
    /// Aff3, Aff2, Aff1, Aff0 in that order.
    pub aff: [u8; 4],
    /// Interrupt_Routing_Mode (bit 31): any participating PE may take the interrupt.
    pub any: bool,
}

/// The state of one interrupt as seen by one CPU (banked) or by all (SPI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Irq {
    /// Software or edge latch (ISPENDR / rising edge / SGI without source).
    pub pending_latch: bool,
    /// GICv2 SGIs: one latch per source CPU (bit n = pending from CPU n, IHI 0048B §4.3.15
    /// GICD_SPENDSGIRn). Always 0 for other interrupts.
    pub sgi_sources: u8,
    /// The input line (set by the device through [`crate::Gic::set_line`]).
    pub line_level: bool,
    /// Active state.
    pub active: bool,
    /// Forwarding enabled (GICD_ISENABLER).
    pub enabled: bool,
    /// Priority, implemented bits only; 0 is the highest priority.
    pub priority: u8,
    /// Group.
    pub group: Group,
    /// Trigger mode.
    pub trigger: Trigger,
    /// GICv2 GICD_ITARGETSR byte (SPIs only; SGI/PPI entries read as the accessing CPU).
    pub targets: u8,
    /// GICv3 GICD_IROUTER (SPIs only).
    pub route: Route,
}

impl Irq {
    fn reset(intid: u32, group: Group) -> Irq {
        Irq {
            pending_latch: false,
            sgi_sources: 0,
            line_level: false,
            active: false,
            // GICv2 §4.3.5: SGI enables may be RAO/WI; irqsuite keeps them RW (see
            // mmio::dist), so every interrupt resets disabled.
            enabled: false,
            priority: 0,
            group,
            // SGIs are always edge-triggered (ICFGR0 reads 0b10 per SGI). PPIs and SPIs
            // reset level-sensitive (irqsuite's choice; PPIs are RO, see mmio::dist).
            trigger: if intid < FIRST_PPI {
                Trigger::Edge
            } else {
                Trigger::Level
            },
            targets: 0,
            route: Route::default(),
        }
    }

    /// Derived pending state (see the module invariants).
    pub fn is_pending(&self) -> bool {
        let latched = self.pending_latch || self.sgi_sources != 0;
        match self.trigger {
            Trigger::Edge => latched,
            Trigger::Level => latched || self.line_level,
        }
    }

    /// Store a priority, keeping only the implemented bits (the rest are RAZ/WI,
    /// IHI 0048B §4.3.11, IHI 0069H §12.9 GICD_IPRIORITYR).
    pub fn set_priority(&mut self, value: u8, config: &GicConfig) {
        self.priority = value & config.priority_mask();
    }
}

/// Every interrupt of the machine: per-CPU banks of 32 plus the shared SPIs.
#[derive(Debug, Clone)]
pub struct Irqs {
    banked: Vec<Vec<Irq>>,
    spis: Vec<Irq>,
    nr_irqs: u32,
}

impl Irqs {
    /// Reset state for `config`. `group` is the reset group of every interrupt.
    pub fn new(config: &GicConfig, group: Group) -> Irqs {
        let bank = || {
            (0..FIRST_SPI)
                .map(|i| Irq::reset(i, group))
                .collect::<Vec<_>>()
        };
        Irqs {
            banked: (0..config.cpus).map(|_| bank()).collect(),
            spis: (FIRST_SPI..config.nr_irqs())
                .map(|i| Irq::reset(i, group))
                .collect(),
            nr_irqs: config.nr_irqs(),
        }
    }

    /// Number of INTIDs that exist.
    pub fn nr_irqs(&self) -> u32 {
        self.nr_irqs
    }

    /// The interrupt `intid` as seen by `cpu`, if it exists.
    pub fn get(&self, cpu: usize, intid: u32) -> Option<&Irq> {
        if intid < FIRST_SPI {
            self.banked.get(cpu)?.get(intid as usize)
        } else {
            self.spis.get((intid - FIRST_SPI) as usize)
        }
    }

    /// Mutable access to the interrupt `intid` as seen by `cpu`, if it exists.
    pub fn get_mut(&mut self, cpu: usize, intid: u32) -> Option<&mut Irq> {
        if intid < FIRST_SPI {
            self.banked.get_mut(cpu)?.get_mut(intid as usize)
        } else {
            self.spis.get_mut((intid - FIRST_SPI) as usize)
        }
    }

    /// Every interrupt `cpu` can see, with its INTID, in ascending INTID order.
    pub fn visible(&self, cpu: usize) -> impl Iterator<Item = (u32, &Irq)> {
        let bank = self.banked.get(cpu).map(|b| b.as_slice()).unwrap_or(&[]);
        bank.iter()
            .enumerate()
            .map(|(i, irq)| (i as u32, irq))
            .chain(
                self.spis
                    .iter()
                    .enumerate()
                    .map(|(i, irq)| (FIRST_SPI + i as u32, irq)),
            )
    }
}
