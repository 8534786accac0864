//! The machine facade the host runner drives: N local APICs, one IOAPIC with 24 pins, an
//! optional VT-d remapping unit, the MSI path between them, guest memory and time.
//!
//! Invariants:
//! - Every entry point takes (CPU, register space, offset, width, value) as the guest's
//!   trace has them, applies the access to one component, and then applies the effects that
//!   component returned (IPIs, EOI broadcasts, upstream IOAPIC messages, notifications, event
//!   interrupts) until none is left. No component calls another.
//! - Interrupt requests take one path: an IOAPIC pin or an MSI becomes (address, data,
//!   source-id); with a remapping unit it is translated there (which may post it or block it),
//!   otherwise it is decoded as compatibility format; the resulting message is routed to the
//!   local APICs its destination names. Lowest-priority messages go to exactly one CPU of the
//!   destination set, chosen by [`MachineConfig::lowest_priority`].
//! - [`Machine::take_interrupts`] is the `sti … cli` window of the x86 seam: while
//!   [`LocalApic::highest_deliverable`] has a vector, the CPU takes it (IRR → ISR, PPR rises);
//!   the vectors come back in the order taken. Nothing is ever EOI'd implicitly.
//! - Time only moves in [`Machine::advance_time`]; timers expire there (or when a TSC deadline
//!   in the past is written).
//! - Bad input never panics: a CPU, pin or offset that does not exist is ignored (reads 0) and
//!   recorded ([`Machine::take_ignored`]); an MSR access on a CPU that does not exist #GPs.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::access::{AccessKind, IgnoreReason, IgnoredAccess, Space};
use crate::effect::{Effect, LocalEvent, Notification};
use crate::ioapic::{IOAPIC_PINS, IoApic, IoapicMessage, IoapicVersion};
use crate::lapic::LocalApic;
use crate::lapic::lvt::LvtKind;
use crate::lapic::x2apic::{Fault, GpReason};
use crate::lowest::{Candidate, LowestPriority, choose};
use crate::memory::{GuestMemory, MemoryError, SparseMemory};
use crate::message::{AddressFormat, DeliveryMode, InterruptMessage, Shorthand, Target};
use crate::msi::{Decoded, MsiAddress, MsiData, MsiError, decode, decode64};
use crate::posted::descriptor::PiDescriptor;
use crate::remap::{RemapConfig, RemapUnit, Translation};
use crate::vector::Vector;

/// At most this many ignored accesses are kept between two [`Machine::take_ignored`] calls.
pub const MAX_IGNORED: usize = 256;

/// The source-id the IOAPIC's requests carry (bus 0xFF, device 0, function 0: irqsuite's
/// choice, the pseudo-device QEMU's q35 DMAR table names for its IOAPIC).
pub const DEFAULT_IOAPIC_SOURCE_ID: u16 = 0xff00;

/// The machine's shape and its implementation-defined choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MachineConfig {
    /// Number of CPUs; CPU `n` has initial APIC ID `n`.
    pub cpus: usize,
    /// The remapping unit, if the machine has one.
    pub remapping: Option<RemapConfig>,
    /// How lowest-priority messages pick their CPU.
    pub lowest_priority: LowestPriority,
    /// The IOAPIC's version (which one it is).
    pub ioapic_version: IoapicVersion,
    /// The IOAPIC's ID.
    pub ioapic_id: u8,
    /// The source-id of the IOAPIC's requests.
    pub ioapic_source_id: u16,
}

impl Default for MachineConfig {
    fn default() -> Self {
        MachineConfig {
            cpus: 1,
            remapping: None,
            lowest_priority: LowestPriority::default(),
            ioapic_version: IoapicVersion::default(),
            ioapic_id: 0,
            ioapic_source_id: DEFAULT_IOAPIC_SOURCE_ID,
        }
    }
}

/// What happened to an MSI (or IOAPIC) request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Routing {
    /// Delivered as this message to the CPUs it names.
    Delivered(InterruptMessage),
    /// Posted into a descriptor (with the notification sent, if any).
    Posted(Option<Notification>),
    /// Blocked by the remapping unit.
    Blocked(crate::remap::fault::FaultReason),
}

/// The machine.
#[derive(Debug, Clone)]
pub struct Machine {
    config: MachineConfig,
    lapics: Vec<LocalApic>,
    ioapic: IoApic,
    remap: Option<RemapUnit>,
    memory: Box<dyn GuestMemory>,
    now: u64,
    ignored: Vec<IgnoredAccess>,
    last_lowest_priority: Option<usize>,
}

impl Machine {
    /// A machine after reset, with empty [`SparseMemory`].
    pub fn new(config: MachineConfig) -> Machine {
        Machine::with_memory(config, Box::new(SparseMemory::new()))
    }

    /// A machine after reset, over `memory`.
    pub fn with_memory(config: MachineConfig, memory: Box<dyn GuestMemory>) -> Machine {
        Machine {
            config,
            lapics: (0..config.cpus)
                .map(|cpu| LocalApic::new(cpu, cpu as u32))
                .collect(),
            ioapic: IoApic::of_version(config.ioapic_version, config.ioapic_id),
            remap: config.remapping.map(RemapUnit::new),
            memory,
            now: 0,
            ignored: Vec::new(),
            last_lowest_priority: None,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &MachineConfig {
        &self.config
    }

    /// A CPU's local APIC.
    pub fn lapic(&self, cpu: usize) -> Option<&LocalApic> {
        self.lapics.get(cpu)
    }

    /// The IOAPIC.
    pub fn ioapic(&self) -> &IoApic {
        &self.ioapic
    }

    /// The remapping unit, if any.
    pub fn remap(&self) -> Option<&RemapUnit> {
        self.remap.as_ref()
    }

    /// Guest memory.
    pub fn memory(&self) -> &dyn GuestMemory {
        self.memory.as_ref()
    }

    /// Guest memory, for the host to copy the guest's writes in.
    pub fn memory_mut(&mut self) -> &mut dyn GuestMemory {
        self.memory.as_mut()
    }

    /// The current time in ticks (also the TSC).
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Accesses ignored since the last call.
    pub fn take_ignored(&mut self) -> Vec<IgnoredAccess> {
        core::mem::take(&mut self.ignored)
    }

    fn ignore(
        &mut self,
        space: Space,
        offset: u32,
        width: u8,
        kind: AccessKind,
        reason: IgnoreReason,
    ) {
        if self.ignored.len() < MAX_IGNORED {
            self.ignored.push(IgnoredAccess {
                space,
                offset,
                width,
                kind,
                reason,
            });
        }
    }

    /// A 32-bit read of `cpu`'s xAPIC page.
    pub fn read_lapic(&mut self, cpu: usize, offset: u32) -> u32 {
        let now = self.now;
        let result = match self.lapics.get_mut(cpu) {
            Some(l) => l.mmio_read(offset, now),
            None => Err(IgnoreReason::NoSuchDevice),
        };
        result.unwrap_or_else(|reason| {
            self.ignore(Space::Lapic(cpu), offset, 4, AccessKind::Read, reason);
            0
        })
    }

    /// A 32-bit write of `cpu`'s xAPIC page.
    pub fn write_lapic(&mut self, cpu: usize, offset: u32, value: u32) {
        let now = self.now;
        let result = match self.lapics.get_mut(cpu) {
            Some(l) => l.mmio_write(offset, value, now),
            None => Err(IgnoreReason::NoSuchDevice),
        };
        match result {
            Ok(effect) => self.apply_all(effect),
            Err(reason) => {
                let kind = AccessKind::Write(u64::from(value));
                self.ignore(Space::Lapic(cpu), offset, 4, kind, reason);
            }
        }
    }

    /// RDMSR on `cpu`.
    pub fn rdmsr(&mut self, cpu: usize, msr: u32) -> Result<u64, Fault> {
        let now = self.now;
        let lapic = self.lapics.get_mut(cpu).ok_or(Fault {
            reason: GpReason::NoSuchCpu,
        })?;
        lapic.rdmsr(msr, now)
    }

    /// WRMSR on `cpu`.
    pub fn wrmsr(&mut self, cpu: usize, msr: u32, value: u64) -> Result<(), Fault> {
        let now = self.now;
        let lapic = self.lapics.get_mut(cpu).ok_or(Fault {
            reason: GpReason::NoSuchCpu,
        })?;
        let effect = lapic.wrmsr(msr, value, now)?;
        self.apply_all(effect);
        Ok(())
    }

    /// Read the IOAPIC window.
    pub fn read_ioapic(&mut self, offset: u32, width: u8) -> u32 {
        self.ioapic.read(offset, width).unwrap_or_else(|reason| {
            self.ignore(Space::Ioapic, offset, width, AccessKind::Read, reason);
            0
        })
    }

    /// Write the IOAPIC window.
    pub fn write_ioapic(&mut self, offset: u32, width: u8, value: u32) {
        match self.ioapic.write(offset, width, value) {
            Ok(sent) => self.upstream_all(sent),
            Err(reason) => {
                let kind = AccessKind::Write(u64::from(value));
                self.ignore(Space::Ioapic, offset, width, kind, reason);
            }
        }
    }

    /// Read a remapping unit register.
    pub fn read_dmar(&mut self, offset: u32, width: u8) -> u64 {
        let result = match &self.remap {
            Some(r) => r.read(offset, width),
            None => Err(IgnoreReason::NoSuchDevice),
        };
        result.unwrap_or_else(|reason| {
            self.ignore(Space::Dmar, offset, width, AccessKind::Read, reason);
            0
        })
    }

    /// Write a remapping unit register.
    pub fn write_dmar(&mut self, offset: u32, width: u8, value: u64) {
        let result = match &mut self.remap {
            Some(r) => r.write(self.memory.as_mut(), offset, width, value),
            None => Err(IgnoreReason::NoSuchDevice),
        };
        match result {
            Ok(events) => {
                for m in events {
                    self.route(m);
                }
            }
            Err(reason) => {
                self.ignore(Space::Dmar, offset, width, AccessKind::Write(value), reason);
            }
        }
    }

    /// Drive IOAPIC pin `gsi`: asserted (`true`) or not. A pin beyond the IOAPIC is ignored.
    pub fn set_line(&mut self, gsi: u32, asserted: bool) {
        let pin = gsi as usize;
        if pin >= IOAPIC_PINS {
            let kind = AccessKind::Write(u64::from(asserted));
            self.ignore(Space::Ioapic, gsi, 0, kind, IgnoreReason::NoSuchDevice);
            return;
        }
        if let Some(m) = self.ioapic.set_line(pin, asserted) {
            self.upstream(m);
        }
    }

    /// A device writes `data` to `address` (an MSI) with requester ID `source_id`.
    pub fn msi(&mut self, address: u64, data: u32, source_id: u16) -> Result<Routing, MsiError> {
        let low = u32::try_from(address).map_err(|_| MsiError::NotInterruptAddress(address))?;
        decode64(address, data)?;
        Ok(self.request(MsiAddress(low), MsiData(data), source_id))
    }

    /// A local interrupt source of `cpu` fires through its LVT entry (thermal, performance
    /// counter, CMCI, LINT0/1; the timer and error entries fire by themselves).
    pub fn raise_local(&mut self, cpu: usize, kind: LvtKind) {
        if let Some(l) = self.lapics.get_mut(cpu) {
            l.raise_local(kind);
        }
    }

    /// Software on some CPU posts `vector` into the descriptor at `descriptor` and sends the
    /// notification if one is due (SDM §30.6). `format` says how NDST is encoded.
    pub fn post_interrupt(
        &mut self,
        descriptor: u64,
        vector: Vector,
        format: AddressFormat,
    ) -> Result<Option<Notification>, MemoryError> {
        let mut pid = PiDescriptor::read(self.memory.as_ref(), descriptor)?;
        let n = pid.post_by_cpu(vector, format);
        pid.write(self.memory.as_mut(), descriptor)?;
        if let Some(n) = n {
            self.apply(Effect::Notification(n));
        }
        Ok(n)
    }

    /// The interrupt window of `cpu`: take every deliverable vector, in order.
    pub fn take_interrupts(&mut self, cpu: usize) -> Vec<Vector> {
        let mut taken = Vec::new();
        if let Some(l) = self.lapics.get_mut(cpu) {
            while let Some(v) = l.deliver() {
                taken.push(v);
            }
        }
        taken
    }

    /// Non-vectored deliveries (NMI, INIT, SIPI, SMI, ExtINT) `cpu` accepted since last asked.
    pub fn take_events(&mut self, cpu: usize) -> Vec<LocalEvent> {
        self.lapics
            .get_mut(cpu)
            .map(LocalApic::take_events)
            .unwrap_or_default()
    }

    /// Advance time by `ticks`; timers that expire by then fire.
    pub fn advance_time(&mut self, ticks: u64) {
        self.now = self.now.saturating_add(ticks);
        let now = self.now;
        for l in &mut self.lapics {
            l.tick(now);
        }
    }

    /// An interrupt request (address, data) from `source_id` on its way up.
    fn request(&mut self, address: MsiAddress, data: MsiData, source_id: u16) -> Routing {
        let Some(unit) = self.remap.as_mut() else {
            // No remapping hardware: the interrupt format bit is not looked at.
            return match decode(address.with_remappable(false), data) {
                Ok(Decoded::Compatibility(c)) => {
                    let m = c.message();
                    self.route(m);
                    Routing::Delivered(m)
                }
                _ => Routing::Blocked(
                    crate::remap::fault::FaultReason::RemappableRequestReservedField,
                ),
            };
        };
        let outcome = unit.translate(self.memory.as_mut(), address, data, source_id);
        if let Some(e) = outcome.fault_event {
            self.route(e);
        }
        match outcome.translation {
            Translation::Deliver(m) => {
                self.route(m);
                Routing::Delivered(m)
            }
            Translation::Posted(n) => {
                if let Some(n) = n {
                    self.apply(Effect::Notification(n));
                }
                Routing::Posted(n)
            }
            Translation::Blocked(r) => Routing::Blocked(r),
        }
    }

    fn upstream(&mut self, m: IoapicMessage) {
        let sid = self.config.ioapic_source_id;
        self.request(m.address, m.data, sid);
    }

    fn upstream_all(&mut self, ms: Vec<IoapicMessage>) {
        for m in ms {
            self.upstream(m);
        }
    }

    fn apply_all(&mut self, effect: Option<Effect>) {
        if let Some(e) = effect {
            self.apply(e);
        }
    }

    /// Apply one effect.
    fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Message(m) => self.route(m),
            Effect::EoiBroadcast(v) => {
                let sent = self.ioapic.eoi(v);
                self.upstream_all(sent);
            }
            Effect::Notification(n) => {
                let m = InterruptMessage::fixed_physical(
                    n.vector,
                    n.destination,
                    AddressFormat::X2Apic,
                );
                self.route(m);
            }
        }
    }

    /// The CPUs a message's target names.
    pub fn destination_set(&self, target: &Target) -> Vec<usize> {
        let cpus = 0..self.lapics.len();
        match target {
            Target::Shorthand { sender, shorthand } => match shorthand {
                Shorthand::SelfOnly | Shorthand::None => cpus.filter(|c| c == sender).collect(),
                Shorthand::AllIncludingSelf => cpus.collect(),
                Shorthand::AllExcludingSelf => cpus.filter(|c| c != sender).collect(),
            },
            Target::Destination(d) => cpus.filter(|&c| self.lapics[c].matches(d)).collect(),
        }
    }

    /// Deliver a message to the local APICs it names.
    fn route(&mut self, m: InterruptMessage) {
        let set = self.destination_set(&m.target);
        let targets = if m.delivery == DeliveryMode::LowestPriority {
            let candidates: Vec<Candidate> = set
                .iter()
                .map(|&cpu| {
                    let l = &self.lapics[cpu];
                    Candidate {
                        cpu,
                        apr: l.apr(),
                        focus: l.is_focus_for(m.vector),
                    }
                })
                .collect();
            let pick = choose(
                self.config.lowest_priority,
                m.vector.0,
                &candidates,
                self.last_lowest_priority,
            );
            if pick.is_some() {
                self.last_lowest_priority = pick;
            }
            pick.into_iter().collect()
        } else {
            set
        };
        for cpu in targets {
            self.lapics[cpu].accept(&m);
        }
    }
}
