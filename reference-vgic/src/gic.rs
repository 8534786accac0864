//! The whole GIC: distributor, redistributors and CPU interfaces of every CPU, and the public
//! entry points (MMIO, system registers, device lines).
//!
//! Invariants:
//! - All state lives in [`Gic`]; it is single-threaded and has no I/O. Every entry point takes
//!   the accessing CPU explicitly and never panics on guest-controlled input: a nonexistent
//!   CPU or frame makes the access RAZ/WI (recorded for MMIO).
//! - `cpuifs` and `redists` have exactly `config.cpus` entries, so a checked CPU index can
//!   index them.
//! - The model owns its guest memory (`Box<dyn GuestMemory>`, [`SparseMemory`] by default):
//!   a snapshot of a `Gic` (`clone`) includes the memory, and the model stays pure: the host
//!   copies the guest's writes in through [`Gic::memory_mut`].
//! - At most [`MAX_IGNORED`] ignored accesses are kept between two [`Gic::take_ignored`] calls;
//!   later ones are dropped.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use crate::CpuId;
use crate::config::{GicConfig, Version};
use crate::cpuif::{self, AckView, CpuIf};
use crate::irq::{FIRST_PPI, FIRST_SPI, Group, INTID_SPURIOUS, Irqs, Trigger};
use crate::its::{self, CommandErrorRecord, Its, ItsError};
use crate::lpi::{FIRST_LPI, RedistLpi};
use crate::memory::{GuestMemory, SparseMemory};
use crate::mmio::{
    self, AccessKind, Frame, IgnoreReason, IgnoredAccess, Target, dist, gicc, redist,
};
use crate::oracle;
use crate::sysreg::{self, Sysreg};

/// How many ignored accesses are kept before [`Gic::take_ignored`] drains them.
pub const MAX_IGNORED: usize = 4096;

/// Distributor-wide state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Distributor {
    /// GICD_CTLR.EnableGrp0, EnableGrp1.
    pub enable: [bool; 2],
}

/// Per-CPU redistributor state that is not per-interrupt (GICv3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Redistributor {
    /// GICR_WAKER.ProcessorSleep.
    pub processor_sleep: bool,
    /// LPI state: EnableLPIs, PROPBASER/PENDBASER, pending LPIs, configuration cache.
    pub lpi: RedistLpi,
}

/// The reference GIC.
#[derive(Debug, Clone)]
pub struct Gic {
    pub(crate) config: GicConfig,
    pub(crate) irqs: Irqs,
    pub(crate) dist: Distributor,
    pub(crate) cpuifs: Vec<CpuIf>,
    pub(crate) redists: Vec<Redistributor>,
    /// Guest memory: LPI tables, the ITS command queue and ITS tables.
    pub(crate) memory: Box<dyn GuestMemory>,
    /// The ITS, when configured.
    pub(crate) its: Option<Its>,
    ignored: Vec<IgnoredAccess>,
}

impl Gic {
    /// A GIC in its reset state. The configuration is first clamped into its architectural
    /// ranges ([`GicConfig::normalized`]). Interrupts reset to Group 0 on GICv2 and to Group 1
    /// on GICv3 (the GICv3 reset value is UNKNOWN; irqsuite's choice matches the only group its
    /// system-register view can acknowledge).
    pub fn new(config: GicConfig) -> Gic {
        Gic::with_memory(config, Box::new(SparseMemory::new()))
    }

    /// A GIC in its reset state that reaches guest memory through `memory` (the LPI
    /// configuration and pending tables, the ITS command queue and tables). The model owns the
    /// memory: the host mirrors what the guest writes through [`Gic::memory_mut`]. Without LPIs
    /// the memory is never touched.
    pub fn with_memory(config: GicConfig, memory: Box<dyn GuestMemory>) -> Gic {
        let config = config.normalized();
        let group = match config.version {
            Version::V2 => Group::G0,
            Version::V3 => Group::G1,
        };
        let cpus = usize::from(config.cpus);
        Gic {
            config,
            irqs: Irqs::new(&config, group),
            dist: Distributor { enable: [false; 2] },
            cpuifs: vec![CpuIf::new(&config); cpus],
            redists: vec![
                Redistributor {
                    processor_sleep: true,
                    lpi: RedistLpi::default(),
                };
                cpus
            ],
            memory,
            its: config.its.map(|c| Its::new(c.hcc)),
            ignored: Vec::new(),
        }
    }

    /// The guest memory the model reads its tables from.
    pub fn memory(&self) -> &dyn GuestMemory {
        &*self.memory
    }

    /// The guest memory, for the host to store what the guest wrote (tables, commands).
    pub fn memory_mut(&mut self) -> &mut dyn GuestMemory {
        &mut *self.memory
    }

    /// A device's MSI: the write of `event_id` to GITS_TRANSLATER by the device `device_id`
    /// (IHI 0069H §5.2). On success the translated LPI is pending on its collection's
    /// redistributor; on a translation error nothing changes and the error says why.
    pub fn its_translate(&mut self, device_id: u32, event_id: u32) -> Result<(), ItsError> {
        its::handlers::translate(self, device_id, event_id)
    }

    /// The ITS command errors since the last call, oldest first (at most
    /// [`its::MAX_ITS_ERRORS`]).
    pub fn take_its_errors(&mut self) -> Vec<CommandErrorRecord> {
        self.its
            .as_mut()
            .map(|its| core::mem::take(&mut its.errors))
            .unwrap_or_default()
    }

    /// Is LPI `intid` pending on `cpu`'s redistributor? (Inspection for hosts and tests; the
    /// guest sees it only through the CPU interface.)
    pub fn lpi_is_pending(&self, cpu: CpuId, intid: u32) -> bool {
        self.cpu_index(cpu)
            .is_some_and(|c| self.redists[c].lpi.pending.contains(&intid))
    }

    /// The (normalized) configuration.
    pub fn config(&self) -> &GicConfig {
        &self.config
    }

    fn cpu_index(&self, cpu: CpuId) -> Option<usize> {
        let i = usize::from(cpu.0);
        (i < usize::from(self.config.cpus)).then_some(i)
    }

    /// Resolve a frame to its register table and INTID window.
    fn target(&self, cpu: CpuId, frame: Frame) -> Option<Target> {
        let cpu = self.cpu_index(cpu)?;
        let nr = self.irqs.nr_irqs();
        let target = |table, bank_cpu, irqs| Target {
            table,
            cpu,
            bank_cpu,
            irqs,
        };
        Some(match (self.config.version, frame) {
            (Version::V2, Frame::Distributor) => target(dist::V2_REGIONS, cpu, 0..nr),
            (Version::V2, Frame::CpuInterface) => target(gicc::REGIONS, cpu, 0..0),
            (Version::V3, Frame::Distributor) => target(dist::V3_REGIONS, cpu, FIRST_SPI..nr),
            (Version::V3, Frame::Redistributor(rd)) => {
                let table = if self.config.lpis() {
                    redist::RD_LPI_REGIONS
                } else {
                    redist::RD_REGIONS
                };
                target(table, self.cpu_index(rd)?, 0..0)
            }
            (Version::V3, Frame::Its) if self.its.is_some() => {
                target(its::regs::REGIONS, cpu, 0..0)
            }
            (Version::V3, Frame::RedistributorSgi(rd)) => {
                target(redist::SGI_REGIONS, self.cpu_index(rd)?, 0..FIRST_SPI)
            }
            _ => return None,
        })
    }

    fn record(
        &mut self,
        cpu: CpuId,
        frame: Frame,
        offset: u32,
        width: u8,
        kind: AccessKind,
        reason: IgnoreReason,
    ) {
        if self.ignored.len() < MAX_IGNORED {
            self.ignored.push(IgnoredAccess {
                cpu,
                frame,
                offset,
                width,
                kind,
                reason,
            });
        }
    }

    /// Read `width` bytes (1, 2, 4 or 8) at `offset` of `frame`, as `cpu`. Reserved or
    /// unmapped offsets, disallowed widths and misaligned accesses read 0 and are recorded;
    /// never panics.
    pub fn mmio_read(&mut self, cpu: CpuId, frame: Frame, offset: u32, width: u8) -> u64 {
        let result = match self.target(cpu, frame) {
            Some(target) => mmio::dispatch_read(self, &target, offset, width),
            None => Err(IgnoreReason::NoSuchFrame),
        };
        result.unwrap_or_else(|reason| {
            self.record(cpu, frame, offset, width, AccessKind::Read, reason);
            0
        })
    }

    /// Write `width` bytes of `value` at `offset` of `frame`, as `cpu`. Accesses the
    /// dispatcher rejects are ignored and recorded.
    pub fn mmio_write(&mut self, cpu: CpuId, frame: Frame, offset: u32, width: u8, value: u64) {
        let result = match self.target(cpu, frame) {
            Some(target) => mmio::dispatch_write(self, &target, offset, width, value),
            None => Err(IgnoreReason::NoSuchFrame),
        };
        if let Err(reason) = result {
            self.record(cpu, frame, offset, width, AccessKind::Write(value), reason);
        }
    }

    /// Read a GICv3 CPU interface system register of `cpu` (0 on GICv2 or a nonexistent CPU).
    pub fn sysreg_read(&mut self, cpu: CpuId, reg: Sysreg) -> u64 {
        match self.cpu_index(cpu) {
            Some(cpu) => sysreg::read(self, cpu, reg),
            None => 0,
        }
    }

    /// Write a GICv3 CPU interface system register of `cpu` (ignored on GICv2 or a
    /// nonexistent CPU).
    pub fn sysreg_write(&mut self, cpu: CpuId, reg: Sysreg, value: u64) {
        if let Some(cpu) = self.cpu_index(cpu) {
            sysreg::write(self, cpu, reg, value);
        }
    }

    /// Drive a device line: an SPI (`cpu` ignored) or a PPI of `cpu` (e.g. the virtual timer,
    /// INTID 27). A level-sensitive interrupt is pending while the line is high (or its latch
    /// is set); an edge-triggered one latches pending on a rising edge. SGIs have no line, and
    /// nonexistent INTIDs or CPUs are ignored.
    pub fn set_line(&mut self, cpu: CpuId, intid: u32, high: bool) {
        if intid < FIRST_PPI {
            return;
        }
        let cpu = if intid < FIRST_SPI {
            match self.cpu_index(cpu) {
                Some(cpu) => cpu,
                None => return,
            }
        } else {
            0
        };
        let Some(irq) = self.irqs.get_mut(cpu, intid) else {
            return;
        };
        let rising = high && !irq.line_level;
        irq.line_level = high;
        if rising && irq.trigger == Trigger::Edge {
            irq.pending_latch = true;
        }
    }

    /// The accesses the dispatcher treated as RAZ/WI since the last call, oldest first.
    pub fn take_ignored(&mut self) -> Vec<IgnoredAccess> {
        core::mem::take(&mut self.ignored)
    }

    /// IAR read on `cpu` (checked index).
    pub(crate) fn acknowledge(&mut self, cpu: usize, view: AckView) -> u32 {
        let candidate = oracle::highest_pending(self, cpu);
        let config = self.config;
        let Some(cpuif) = self.cpuifs.get_mut(cpu) else {
            return INTID_SPURIOUS;
        };
        let irqs = &mut self.irqs;
        let redists = &mut self.redists;
        cpuif::acknowledge(view, cpuif, &config, candidate, |c| {
            if c.intid >= FIRST_LPI {
                // No active state: pending -> inactive (IHI 0069H §5.1).
                redists
                    .get_mut(cpu)
                    .is_some_and(|rd| rd.lpi.pending.remove(&c.intid))
            } else {
                cpuif::take_irq(cpu, irqs, c)
            }
        })
    }

    /// HPPIR read on `cpu` (checked index).
    pub(crate) fn highest_pending_id(&self, cpu: usize, view: AckView) -> u32 {
        let candidate = oracle::highest_pending(self, cpu);
        match self.cpuifs.get(cpu) {
            Some(cpuif) => cpuif::hppir(view, cpuif, candidate),
            None => INTID_SPURIOUS,
        }
    }

    /// EOIR write on `cpu` (checked index); `only` restricts the priority drop to one group.
    pub(crate) fn end_of_interrupt(&mut self, cpu: usize, intid: u32, only: Option<Group>) {
        if let Some(cpuif) = self.cpuifs.get_mut(cpu) {
            cpuif::end_of_interrupt(cpu, intid, only, cpuif, &mut self.irqs);
        }
    }

    /// DIR write on `cpu` (checked index).
    pub(crate) fn deactivate_interrupt(&mut self, cpu: usize, intid: u32) {
        if let Some(cpuif) = self.cpuifs.get(cpu) {
            cpuif::deactivate_interrupt(cpu, intid, cpuif, &mut self.irqs);
        }
    }
}
