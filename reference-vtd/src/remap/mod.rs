//! A VT-d remapping hardware unit's interrupt side: interrupt remapping (VT-d §5.1),
//! interrupt posting (§5.2), fault recording (§7.2, §7.3), the invalidation queue with the
//! interrupt entry cache (§6.5.2) and the register set a guest programs them with (§11.4).
//!
//! Invariants:
//! - [`RemapUnit::translate`] is the one path an interrupt request takes through the unit; in
//!   order: interrupt remapping disabled → pass through as compatibility format; compatibility
//!   format → blocked (25h) when EIME is set or CFIS clear, else passed through; remappable →
//!   reserved request fields (20h), index beyond the table (21h), table read error (23h), not
//!   present (22h), reserved IRTE fields (24h), source-id (26h), then remapped or posted
//!   (descriptor read error 27h, reserved descriptor fields 28h) (VT-d §5.1.4).
//! - With [`EntryCache::Caches`] (irqsuite's choice) the unit caches present IRTEs on first use
//!   (the interrupt entry cache) and drops them only on an interrupt entry cache invalidation
//!   descriptor: software that changes an IRTE without invalidating it sees the old entry, the
//!   strictest behaviour the spec allows (VT-d §6.5.2.7; CAP.ESIRTPS = 0, so SIRTP does not
//!   invalidate either). With [`EntryCache::ReadsThrough`] every request reads its IRTE from
//!   memory: hardware *may* cache (§6.5.2.5), so a changed IRTE used at once is allowed too.
//! - Memory is reached only through [`GuestMemory`]; the unit never panics on its contents.
//! - Events (the fault event, the invalidation completion event) are returned as interrupt
//!   messages decoded from FEADDR/FEDATA or IEADDR/IEDATA; they are never remapped (VT-d §7.3).

pub mod fault;
pub mod inval;
pub mod irte;
pub mod regs;

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::bits::bitfield;
use crate::effect::Notification;
use crate::memory::GuestMemory;
use crate::message::{AddressFormat, InterruptMessage};
use crate::msi::{Decoded, MsiAddress, MsiData, decode, decode64};
use crate::posted::descriptor::{PiDescriptor, Urgency};
use fault::{EventRegs, FaultLog, FaultReason};
use inval::{Descriptor, Iqa, QUEUE_OFFSET_MASK};
use irte::{Irte, IrteView, Posting};
pub use regs::{BadFaultRecordOffset, FaultRecordOffset};

bitfield! {
    /// GCMD_REG (VT-d §11.4.4), write-only.
    pub struct Gcmd(u32) {
        /// Compatibility format interrupt.
        cfi, with_cfi: 23 ..= 23 as bool;
        /// Set interrupt remap table pointer (one-shot).
        sirtp, with_sirtp: 24 ..= 24 as bool;
        /// Interrupt remapping enable.
        ire, with_ire: 25 ..= 25 as bool;
        /// Queued invalidation enable.
        qie, with_qie: 26 ..= 26 as bool;
        /// Set root table pointer (one-shot).
        srtp, with_srtp: 30 ..= 30 as bool;
        /// Translation enable.
        te, with_te: 31 ..= 31 as bool;
    }
}

bitfield! {
    /// GSTS_REG (VT-d §11.4.5), read-only.
    pub struct Gsts(u32) {
        /// Compatibility format interrupt status.
        cfis, with_cfis: 23 ..= 23 as bool;
        /// Interrupt remapping table pointer status.
        irtps, with_irtps: 24 ..= 24 as bool;
        /// Interrupt remapping enable status.
        ires, with_ires: 25 ..= 25 as bool;
        /// Queued invalidation enable status.
        qies, with_qies: 26 ..= 26 as bool;
        /// Root table pointer status.
        rtps, with_rtps: 30 ..= 30 as bool;
        /// Translation enable status.
        tes, with_tes: 31 ..= 31 as bool;
    }
}

bitfield! {
    /// IRTA_REG (VT-d §11.4.29).
    pub struct Irta(u64) {
        /// Table size: 2^(S+1) entries.
        size, with_size: 0 ..= 3 as u8;
        /// Extended interrupt mode enable (x2APIC).
        eime, with_eime: 11 ..= 11 as bool;
        /// Table base page number.
        base_page, with_base_page: 12 ..= 63 as u64;
    }
}

impl Irta {
    /// Number of entries.
    pub fn entries(self) -> u32 {
        2 << self.size()
    }

    /// The table's base address.
    pub fn base(self) -> u64 {
        self.base_page() << 12
    }

    /// The interrupt mode the table's entries use.
    pub fn format(self) -> AddressFormat {
        if self.eime() {
            AddressFormat::X2Apic
        } else {
            AddressFormat::XApic
        }
    }
}

/// What the unit supports, and the implementation's choices where the spec leaves them open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RemapConfig {
    /// CAP.PI: posted interrupts.
    pub posting: Posting,
    /// ECAP.EIM: extended (x2APIC) interrupt mode; without it IRTA.EIME is reserved.
    pub x2apic: bool,
    /// CAP.FRO: where the fault recording registers sit (irqsuite's: 0x200).
    pub fault_records: FaultRecordOffset,
    /// Whether IRTEs are cached until invalidated (irqsuite's: [`EntryCache::Caches`]).
    pub entry_cache: EntryCache,
}

impl Default for RemapConfig {
    fn default() -> Self {
        RemapConfig {
            posting: Posting::Unsupported,
            x2apic: true,
            fault_records: FaultRecordOffset::default(),
            entry_cache: EntryCache::default(),
        }
    }
}

/// Whether the unit keeps the IRTEs it used in an interrupt entry cache. VT-d §6.5.2.5
/// ("hardware implementations may cache interrupt remapping table entries") makes it the
/// implementation's choice; software must invalidate after changing an entry either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EntryCache {
    /// Present IRTEs are cached on first use and kept until an interrupt entry cache
    /// invalidation covers them (irqsuite's choice: the strictest the spec allows).
    #[default]
    Caches,
    /// Every request reads its IRTE from the table (no cache).
    ReadsThrough,
}

/// The interrupt entry cache policies a VT-d implementation may have (VT-d §6.5.2.5).
pub fn allowed_entry_cache_choices() -> &'static [EntryCache] {
    &[EntryCache::Caches, EntryCache::ReadsThrough]
}

/// Where an interrupt request went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Translation {
    /// To the local APICs, as this message.
    Deliver(InterruptMessage),
    /// Into a posted-interrupt descriptor, with the notification to send, if any.
    Posted(Option<Notification>),
    /// Blocked, for this reason (recorded unless FPD suppressed a qualified fault).
    Blocked(FaultReason),
}

/// The result of [`RemapUnit::translate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RemapOutcome {
    /// Where the request went.
    pub translation: Translation,
    /// The fault event interrupt it raised, if any.
    pub fault_event: Option<InterruptMessage>,
}

/// A remapping hardware unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemapUnit {
    config: RemapConfig,
    gsts: Gsts,
    rtaddr: u64,
    ccmd: u64,
    iva: u64,
    iotlb: u64,
    irta: Irta,
    irta_active: Irta,
    iqa: Iqa,
    iqh: u64,
    iqt: u64,
    iwc: bool,
    faults: FaultLog,
    fault_event: EventRegs,
    inval_event: EventRegs,
    cache: BTreeMap<u16, Irte>,
}

impl RemapUnit {
    /// A unit after reset: everything disabled, events masked.
    pub fn new(config: RemapConfig) -> RemapUnit {
        RemapUnit {
            config,
            gsts: Gsts(0),
            rtaddr: 0,
            ccmd: 0,
            iva: 0,
            iotlb: 0,
            irta: Irta(0),
            irta_active: Irta(0),
            iqa: Iqa(0),
            iqh: 0,
            iqt: 0,
            iwc: false,
            faults: FaultLog::default(),
            fault_event: EventRegs::reset(),
            inval_event: EventRegs::reset(),
            cache: BTreeMap::new(),
        }
    }

    /// Global status.
    pub fn gsts(&self) -> Gsts {
        self.gsts
    }

    /// The fault log (recording registers and FSTS).
    pub fn faults(&self) -> &FaultLog {
        &self.faults
    }

    /// Number of IRTEs in the interrupt entry cache.
    pub fn cached_entries(&self) -> usize {
        self.cache.len()
    }

    /// Translate an interrupt request (address, data) from `source_id` (VT-d §5.1.4).
    pub fn translate(
        &mut self,
        mem: &mut dyn GuestMemory,
        address: MsiAddress,
        data: MsiData,
        source_id: u16,
    ) -> RemapOutcome {
        let ok = |t| RemapOutcome {
            translation: t,
            fault_event: None,
        };
        if !self.gsts.ires() {
            // Remapping disabled: every request is interpreted in compatibility format.
            return match decode(address.with_remappable(false), data) {
                Ok(Decoded::Compatibility(c)) => ok(Translation::Deliver(c.message())),
                _ => ok(Translation::Blocked(
                    FaultReason::RemappableRequestReservedField,
                )),
            };
        }
        let request = match decode(address, data) {
            Ok(Decoded::Compatibility(c)) => {
                if self.irta_active.eime() || !self.gsts.cfis() {
                    return self.fault(
                        FaultReason::CompatibilityFormatBlocked,
                        source_id,
                        0,
                        false,
                    );
                }
                return ok(Translation::Deliver(c.message()));
            }
            Ok(Decoded::Remappable(r)) => r,
            Err(_) => {
                return ok(Translation::Blocked(
                    FaultReason::RemappableRequestReservedField,
                ));
            }
        };
        let index = request.interrupt_index();
        let index16 = index as u16;
        if request.reserved_data != 0 {
            return self.fault(
                FaultReason::RemappableRequestReservedField,
                source_id,
                index16,
                false,
            );
        }
        if index >= self.irta_active.entries() {
            return self.fault(
                FaultReason::IndexExceedsTableSize,
                source_id,
                index16,
                false,
            );
        }
        let entry = match self.cache.get(&index16) {
            Some(e) => *e,
            None => {
                let mut b = [0u8; 16];
                let at = self.irta_active.base().wrapping_add(u64::from(index) * 16);
                if mem.read(at, &mut b).is_err() {
                    return self.fault(FaultReason::IrtAccessError, source_id, index16, false);
                }
                let e = Irte(u128::from_le_bytes(b));
                if e.present() && self.config.entry_cache == EntryCache::Caches {
                    self.cache.insert(index16, e);
                }
                e
            }
        };
        if !entry.present() {
            return self.fault(FaultReason::IrteNotPresent, source_id, index16, entry.fpd());
        }
        let format = self.irta_active.format();
        match entry.check(source_id, format, self.config.posting) {
            Err(reason) => self.fault(reason, source_id, index16, entry.fpd()),
            Ok(IrteView::Remapped(m)) => ok(Translation::Deliver(m)),
            Ok(IrteView::Posted {
                vector,
                urgent,
                descriptor,
            }) => {
                let Ok(mut pid) = PiDescriptor::read(mem, descriptor) else {
                    return self.fault(
                        FaultReason::PostedDescriptorAccessError,
                        source_id,
                        index16,
                        entry.fpd(),
                    );
                };
                if pid.has_reserved_bits(format) {
                    return self.fault(
                        FaultReason::PostedDescriptorReservedField,
                        source_id,
                        index16,
                        entry.fpd(),
                    );
                }
                let urgency = if urgent {
                    Urgency::Urgent
                } else {
                    Urgency::Normal
                };
                let notification = pid.post_by_iommu(vector, urgency, format);
                if pid.write(mem, descriptor).is_err() {
                    return self.fault(
                        FaultReason::PostedDescriptorAccessError,
                        source_id,
                        index16,
                        entry.fpd(),
                    );
                }
                ok(Translation::Posted(notification))
            }
        }
    }

    /// Block a request for `reason`, recording it unless FPD suppresses a qualified fault.
    fn fault(
        &mut self,
        reason: FaultReason,
        source_id: u16,
        index: u16,
        fpd: bool,
    ) -> RemapOutcome {
        let suppressed = fpd && reason.is_qualified();
        let fault_event = if !suppressed && self.faults.record(reason, source_id, index) {
            self.fault_event.raise().and_then(event_message)
        } else {
            None
        };
        RemapOutcome {
            translation: Translation::Blocked(reason),
            fault_event,
        }
    }

    /// Process the invalidation queue from IQH to IQT (VT-d §6.5.2). Returns the event
    /// interrupts raised (completion events, a fault event for a queue error).
    fn process_queue(&mut self, mem: &mut dyn GuestMemory) -> Vec<InterruptMessage> {
        let mut events = Vec::new();
        if !self.gsts.qies() || self.faults.iqe() {
            return events;
        }
        let size = self.iqa.size();
        while self.iqh != self.iqt {
            let mut b = [0u8; 16];
            let at = self.iqa.base().wrapping_add(self.iqh);
            let descriptor = mem
                .read(at, &mut b)
                .ok()
                .and_then(|()| Descriptor::decode(u128::from_le_bytes(b)).ok());
            let Some(descriptor) = descriptor else {
                self.queue_error(&mut events);
                return events;
            };
            match descriptor {
                Descriptor::DmaCache(_) => {}
                Descriptor::InterruptEntryCache(scope) => {
                    self.cache.retain(|index, _| !scope.covers(*index));
                }
                Descriptor::Wait {
                    interrupt,
                    status_write,
                } => {
                    if let Some((address, data)) = status_write
                        && mem.write(address, &data.to_le_bytes()).is_err()
                    {
                        self.queue_error(&mut events);
                        return events;
                    }
                    if interrupt && !self.iwc {
                        self.iwc = true;
                        events.extend(self.inval_event.raise().and_then(event_message));
                    }
                }
            }
            self.iqh = (self.iqh + 16) % size;
        }
        events
    }

    fn queue_error(&mut self, events: &mut Vec<InterruptMessage>) {
        if self.faults.invalidation_queue_error() {
            events.extend(self.fault_event.raise().and_then(event_message));
        }
    }

    /// CAP_REG (VT-d §11.4.2): ND = 2, SAGAW = 4-level, MGAW = 48 bits, FRO per configuration
    /// (irqsuite's 0x200 / 16), NFR = [`fault::NUM_FAULT_RECORDS`] - 1, PI per configuration;
    /// ESIRTPS = 0.
    pub fn cap(&self) -> u64 {
        let pi = u64::from(self.config.posting == Posting::Supported);
        2 | 0b00100 << 8
            | 47 << 16
            | self.config.fault_records.fro() << 24
            | (fault::NUM_FAULT_RECORDS as u64 - 1) << 40
            | pi << 59
    }

    /// ECAP_REG (VT-d §11.4.3): QI, IR, EIM per configuration, IRO = 0x100, MHMV = 0xF.
    pub fn ecap(&self) -> u64 {
        let eim = u64::from(self.config.x2apic);
        1 << 1 | 1 << 3 | eim << 4 | (regs::IOTLB_OFFSET as u64 / 16) << 8 | 0xf << 20
    }

    /// The current queue offsets.
    fn queue_offset(&self, value: u64) -> u64 {
        value & QUEUE_OFFSET_MASK & (self.iqa.size() - 1)
    }
}

/// The interrupt message an event's (address, data) names, if it is a compatibility-format
/// interrupt (anything else is dropped: events are not remapped).
fn event_message((address, data): (u64, u32)) -> Option<InterruptMessage> {
    match decode64(address, data) {
        Ok(Decoded::Compatibility(c)) => Some(c.message()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
