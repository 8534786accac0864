//! The x86 model as a [`Platform`]: x86 cases run against `reference-vtd` in-process.
//!
//! The adapter follows the x86 seam (reference-vtd's lib docs map it to the facade):
//!
//! | kit | model |
//! | --- | --- |
//! | `Site::Lapic(off)` | [`Machine::read_lapic`] / [`Machine::write_lapic`] of the current CPU |
//! | `Site::Msr(msr)` | [`Machine::rdmsr`] / [`Machine::wrmsr`]; a #GP is `Fault::X86 { vector: 13, .. }` |
//! | `Site::Ioapic(off)` | [`Machine::read_ioapic`] / [`Machine::write_ioapic`] (absent without an IOAPIC) |
//! | `Site::Dmar(off)` | [`Machine::read_dmar`] / [`Machine::write_dmar`] (absent without a VT-d unit) |
//! | GIC sites | `Fault::Absent` |
//! | [`Platform::take_interrupts`] | [`Machine::take_interrupts`], waiting as the guest's window does |
//! | `Inject::Line { intid, high }` | [`Machine::set_line`] (`intid` is the GSI) |
//! | `Inject::X86Msi { .. }` | [`Machine::msi`]: a blocked or faulted MSI is the model's behaviour |
//! | [`Platform::delay`] | [`Machine::advance_time`] by [`TICKS_PER_DELAY`] |
//! | `mem_write` / `mem_read` | [`Machine::memory_mut`] / [`Machine::memory`] |
//!
//! Time: the guest's `delay` waits about a microsecond, so one delay is [`TICKS_PER_DELAY`]
//! ticks of the model (one tick is one TSC increment and one timer input clock: a 1 GHz
//! clock). A window waits like the guest's (`guest-tests/x86_64/src/traps.rs`): until a vector
//! is taken or [`WINDOW_DELAYS`] delays passed, then [`SETTLE_DELAYS`] more after the first
//! vector for deliveries that follow it.
//!
//! The machine is shaped by the target's [`TargetInfo`]: its CPUs, a remapping unit when
//! `x86.iommu` (extended interrupt mode when the CPUs have x2APIC), an IOAPIC when
//! `x86.ioapic_pins` is not 0 (the model's has 24 pins). The implementation-defined choices are
//! [`X86Choices`]: the CPU a lowest-priority message goes to, whether the remapping unit posts
//! interrupts (CAP.PI), where its fault recording registers sit (CAP.FRO), whether it caches
//! IRTEs and which IOAPIC it is (version 0x11 or 0x20 with the EOI register); irqsuite's own
//! are arbitration priority, posting, 0x200, caching and 0x20, and a replay takes the target's
//! (see `crate::replay::lockstep`).
//! A CPU without x2APIC support (`x86.x2apic` false) is the one thing the adapter adds to the
//! model: IA32_APIC_BASE.EXTD is reserved there, so setting it raises #GP (SDM vol. 3 §11.12.1,
//! "bit 10 ... reserved if x2APIC is not supported"; figure 11-5's reserved bits #GP on WRMSR),
//! and the x2APIC MSRs stay unreachable (they #GP outside x2APIC mode, §11.12.1.2).

use guest_kit::inject::{Inject, Refused};
use guest_kit::{CpuOffline, Fault, Platform, Site, Taken, TargetInfo, Vector, Width};
use reference_vtd::{
    ApicBase, EntryCache, FaultRecordOffset, IA32_APIC_BASE, IoapicVersion, LocalEvent,
    LowestPriority, Machine, MachineConfig, Posting, RemapConfig,
};

/// Model ticks per [`Platform::delay`] (the guest's delay is about 1 µs; 1 tick = 1 ns).
pub const TICKS_PER_DELAY: u64 = 1_000;
/// Delays a window waits for a first vector: the guest's 20 ms window bound.
pub const WINDOW_DELAYS: u32 = 20_000;
/// Delays a window stays open after its first vector: the guest's 200 µs.
pub const SETTLE_DELAYS: u32 = 200;

/// The implementation-defined choices of the modelled machine that a target may make otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct X86Choices {
    /// How lowest-priority messages pick their CPU (SDM vol. 3 §11.6.2.4).
    pub lowest_priority: LowestPriority,
    /// Whether the remapping unit supports posted interrupts (VT-d §10.4.2, CAP.PI).
    pub posting: Posting,
    /// Where the remapping unit's fault recording registers sit (VT-d §10.4.2, CAP.FRO).
    pub fault_records: FaultRecordOffset,
    /// Whether the remapping unit caches IRTEs until invalidated (VT-d §6.5.2.5).
    pub entry_cache: EntryCache,
    /// Which IOAPIC it is: the 82093AA (version 0x11) or one with the EOI register (0x20).
    pub ioapic_version: IoapicVersion,
}

impl Default for X86Choices {
    /// irqsuite's: arbitration priority, posting (so the posted-interrupt cases run on the
    /// model), fault records at 0x200, an interrupt entry cache and an IOAPIC with the EOI
    /// register.
    fn default() -> Self {
        X86Choices {
            lowest_priority: LowestPriority::default(),
            posting: Posting::Supported,
            fault_records: FaultRecordOffset::default(),
            entry_cache: EntryCache::default(),
            ioapic_version: IoapicVersion::default(),
        }
    }
}

/// `reference-vtd`'s machine behind the guest kit's platform seam.
pub struct X86Model {
    machine: Machine,
    /// The accessing CPU.
    cpu: usize,
    info: TargetInfo,
}

impl X86Model {
    /// A fresh model shaped like `info`, with irqsuite's choices.
    pub fn new(info: TargetInfo) -> Self {
        X86Model::with_choices(info, X86Choices::default())
    }

    /// A fresh model shaped like `info` that makes `choices`.
    pub fn with_choices(info: TargetInfo, choices: X86Choices) -> Self {
        let remapping = info.x86.iommu.then_some(RemapConfig {
            posting: choices.posting,
            x2apic: info.x86.x2apic,
            fault_records: choices.fault_records,
            entry_cache: choices.entry_cache,
        });
        let config = MachineConfig {
            cpus: usize::from(info.cpus.max(1)),
            remapping,
            lowest_priority: choices.lowest_priority,
            ioapic_version: choices.ioapic_version,
            ..MachineConfig::default()
        };
        X86Model {
            machine: Machine::new(config),
            cpu: 0,
            info,
        }
    }

    /// The machine (for tests and diagnostics).
    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    fn has_ioapic(&self) -> bool {
        self.info.x86.ioapic_pins != 0
    }

    fn has_iommu(&self) -> bool {
        self.info.x86.iommu
    }

    /// Takes whatever the current CPU can take now into `taken`; whether it took anything.
    fn take_now(&mut self, taken: &mut Taken) -> bool {
        // An NMI is taken whatever RFLAGS.IF says and the guest's window reports it first
        // (SDM vol. 3 §6.8.1); INIT, SIPI, SMI and ExtINT are not observed.
        let nmis = self
            .machine
            .take_events(self.cpu)
            .into_iter()
            .filter(|e| *e == LocalEvent::Nmi)
            .count();
        for _ in 0..nmis {
            taken.push(Vector::NMI);
        }
        let now = self.machine.take_interrupts(self.cpu);
        for v in &now {
            // A window that took more than the kit records is a storm: the rest is dropped,
            // as the guest drops it.
            taken.push(Vector::new(v.0));
        }
        nmis != 0 || !now.is_empty()
    }

    /// The #GP a WRMSR raises on a CPU without x2APIC when it sets IA32_APIC_BASE.EXTD.
    fn extd_without_x2apic(&self, msr: u32, value: u64) -> bool {
        msr == IA32_APIC_BASE && !self.info.x86.x2apic && ApicBase(value).extd()
    }
}

/// The kit's form of the model's #GP.
fn x86_fault(fault: reference_vtd::Fault) -> Fault {
    Fault::X86 {
        vector: Vector::new(fault.vector().0),
        error_code: fault.error_code(),
    }
}

/// #GP(0).
const GP0: Fault = Fault::X86 {
    vector: Vector::GENERAL_PROTECTION,
    error_code: 0,
};

impl Platform for X86Model {
    fn info(&self) -> TargetInfo {
        self.info
    }

    fn read(&mut self, site: Site, width: Width) -> Result<u64, Fault> {
        match site {
            // The local APIC's registers are 32 bits wide (SDM vol. 3 §11.4.1).
            Site::Lapic(offset) => Ok(u64::from(self.machine.read_lapic(self.cpu, offset))),
            Site::Msr(msr) => self.machine.rdmsr(self.cpu, msr).map_err(x86_fault),
            Site::Ioapic(offset) if self.has_ioapic() => {
                Ok(u64::from(self.machine.read_ioapic(offset, width.bytes())))
            }
            Site::Dmar(offset) if self.has_iommu() => {
                Ok(self.machine.read_dmar(offset, width.bytes()))
            }
            _ => Err(Fault::Absent),
        }
    }

    fn write(&mut self, site: Site, width: Width, value: u64) -> Result<(), Fault> {
        match site {
            Site::Lapic(offset) => self.machine.write_lapic(self.cpu, offset, value as u32),
            Site::Msr(msr) if self.extd_without_x2apic(msr, value) => return Err(GP0),
            Site::Msr(msr) => {
                return self.machine.wrmsr(self.cpu, msr, value).map_err(x86_fault);
            }
            Site::Ioapic(offset) if self.has_ioapic() => {
                self.machine
                    .write_ioapic(offset, width.bytes(), value as u32);
            }
            Site::Dmar(offset) if self.has_iommu() => {
                self.machine.write_dmar(offset, width.bytes(), value);
            }
            _ => return Err(Fault::Absent),
        }
        Ok(())
    }

    fn inject(&mut self, request: Inject) -> Result<(), Refused> {
        match request {
            Inject::Line { intid, high } if self.has_ioapic() => self.machine.set_line(intid, high),
            // What the remapping unit or the MSI decoder does with the write (deliver, block,
            // record a fault) is the model's behaviour, not a refusal of the request.
            Inject::X86Msi {
                address,
                data,
                source_id,
            } => {
                let _ = self.machine.msi(u64::from(address), data, source_id);
            }
            // No IOAPIC to drive; no ITS on x86.
            Inject::Line { .. } | Inject::Msi { .. } => return Err(request.refusal().1),
        }
        Ok(())
    }

    fn mem_write(&mut self, gpa: u64, data: &[u8]) -> Result<(), Fault> {
        self.machine
            .memory_mut()
            .write(gpa, data)
            .map_err(|_| Fault::Absent)
    }

    fn mem_read(&mut self, gpa: u64, buf: &mut [u8]) -> Result<(), Fault> {
        self.machine
            .memory()
            .read(gpa, buf)
            .map_err(|_| Fault::Absent)
    }

    fn delay(&mut self) {
        self.machine.advance_time(TICKS_PER_DELAY);
    }

    fn on_cpu(&mut self, cpu: u8, f: &mut dyn FnMut(&mut dyn Platform)) -> Result<(), CpuOffline> {
        if cpu >= self.info.cpus {
            return Err(CpuOffline);
        }
        let home = std::mem::replace(&mut self.cpu, usize::from(cpu));
        f(self);
        self.cpu = home;
        Ok(())
    }

    /// The guest's window: everything deliverable now (SDM vol. 3 §11.8.3.1: while the
    /// highest pending class is above PPR's), else time passes a delay at a time until
    /// something is or the window's bound is reached; after the first vector, the window stays
    /// open [`SETTLE_DELAYS`] more.
    fn take_interrupts(&mut self) -> Taken {
        let mut taken = Taken::default();
        let mut waited = 0;
        while !self.take_now(&mut taken) && waited < WINDOW_DELAYS {
            self.delay();
            waited += 1;
        }
        if !taken.is_empty() {
            for _ in 0..SETTLE_DELAYS {
                self.delay();
                self.take_now(&mut taken);
            }
        }
        taken
    }
}

#[cfg(test)]
mod tests;
