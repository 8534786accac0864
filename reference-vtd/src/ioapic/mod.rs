//! The IOAPIC: 24 interrupt input pins, each with a redirection entry (Intel 82093AA
//! datasheet; the EOI register of version 0x20 IOAPICs ([`IoapicVersion`]), and VT-d §5.1.5.1
//! for remappable entries).
//!
//! Invariants:
//! - Pins are driven by *assertion*, not electrical level: `set_line(pin, true)` means the
//!   interrupt is requested (irqsuite's choice, as hypervisors model it; the polarity bit is
//!   stored and reported, not applied).
//! - Edge: a rising assertion on an unmasked pin sends one message; an edge on a masked pin
//!   is lost (82093AA §3.2.4, "Interrupt Mask").
//! - Level: while a pin is asserted, unmasked and its remote IRR is clear, one message is sent
//!   and remote IRR is set; an EOI for the entry's vector (broadcast by a local APIC, or written
//!   to the EOI register) clears remote IRR, and a still-asserted pin sends again. Repeated
//!   assertions while remote IRR is set coalesce into that one message.
//! - The IOAPIC never delivers: it returns [`IoapicMessage`]s (address and data, as on the
//!   bus) for the machine to route, through the remapping unit when one is enabled. Remote
//!   IRR is set when the message is sent.
//! - Switching an entry to edge clears its remote IRR (irqsuite's choice).

pub mod regs;
pub mod rte;
pub mod version;

use alloc::vec::Vec;

use crate::message::TriggerMode;
use crate::msi::{MsiAddress, MsiData};
use crate::vector::Vector;
use rte::RedirectionEntry;
pub use version::{IoapicVersion, allowed_ioapic_versions};

/// Number of pins (redirection entries).
pub const IOAPIC_PINS: usize = 24;

/// A message an IOAPIC pin sends upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IoapicMessage {
    /// The pin (GSI relative to this IOAPIC).
    pub pin: u8,
    /// MSI-style address.
    pub address: MsiAddress,
    /// MSI-style data.
    pub data: MsiData,
}

/// An IOAPIC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IoApic {
    version: IoapicVersion,
    id: u8,
    ioregsel: u8,
    entries: [RedirectionEntry; IOAPIC_PINS],
    asserted: [bool; IOAPIC_PINS],
}

impl IoApic {
    /// An IOAPIC after reset, of irqsuite's default version, with IOAPIC ID `id` (bits 3:0
    /// kept), every entry masked.
    pub fn new(id: u8) -> IoApic {
        IoApic::of_version(IoapicVersion::default(), id)
    }

    /// An IOAPIC of `version` after reset, with IOAPIC ID `id` (bits 3:0 kept), every entry
    /// masked.
    pub fn of_version(version: IoapicVersion, id: u8) -> IoApic {
        IoApic {
            version,
            id: id & 0xf,
            ioregsel: 0,
            entries: [RedirectionEntry::RESET; IOAPIC_PINS],
            asserted: [false; IOAPIC_PINS],
        }
    }

    /// Its version.
    pub fn version(&self) -> IoapicVersion {
        self.version
    }

    /// The IOAPIC ID.
    pub fn id(&self) -> u8 {
        self.id
    }

    /// IOREGSEL.
    pub fn ioregsel(&self) -> u8 {
        self.ioregsel
    }

    /// The redirection entry of `pin`, if it exists.
    pub fn entry(&self, pin: usize) -> Option<RedirectionEntry> {
        self.entries.get(pin).copied()
    }

    /// Is `pin` asserted?
    pub fn is_asserted(&self, pin: usize) -> bool {
        self.asserted.get(pin).copied().unwrap_or(false)
    }

    /// Drive `pin`: asserted or not. Returns the message sent, if any. A pin that does not
    /// exist is ignored (`None`).
    pub fn set_line(&mut self, pin: usize, asserted: bool) -> Option<IoapicMessage> {
        let was = core::mem::replace(self.asserted.get_mut(pin)?, asserted);
        let e = self.entries[pin];
        match e.trigger_mode() {
            TriggerMode::Edge => (asserted && !was && !e.masked()).then(|| self.send(pin)),
            TriggerMode::Level => self.service_level(pin),
        }
    }

    /// Send a level entry's message if its pin is asserted, it is unmasked and remote IRR is
    /// clear; set remote IRR.
    fn service_level(&mut self, pin: usize) -> Option<IoapicMessage> {
        let e = self.entries[pin];
        if e.trigger_mode() != TriggerMode::Level
            || e.masked()
            || e.remote_irr()
            || !self.asserted[pin]
        {
            return None;
        }
        self.entries[pin] = e.with_remote_irr(true);
        Some(self.send(pin))
    }

    fn send(&self, pin: usize) -> IoapicMessage {
        let (address, data) = self.entries[pin].message();
        IoapicMessage {
            pin: pin as u8,
            address,
            data,
        }
    }

    /// An EOI for `vector` (an EOI broadcast from a local APIC, SDM §11.8.5, or a write to the
    /// EOI register): clear remote IRR of every level entry with that vector, and send again
    /// for those whose pin is still asserted.
    pub fn eoi(&mut self, vector: Vector) -> Vec<IoapicMessage> {
        let mut out = Vec::new();
        for pin in 0..IOAPIC_PINS {
            let e = self.entries[pin];
            if e.trigger_mode() == TriggerMode::Level && e.vector() == vector.0 && e.remote_irr() {
                self.entries[pin] = e.with_remote_irr(false);
                out.extend(self.service_level(pin));
            }
        }
        out
    }

    /// Software writes one dword of an entry; a level entry may then send.
    fn write_entry_half(&mut self, pin: usize, half: Half, value: u32) -> Option<IoapicMessage> {
        let old = self.entries[pin];
        let raw = match half {
            Half::Low => {
                let keep = old.0 & !u64::from(RedirectionEntry::LOW_WRITABLE);
                keep | u64::from(value & RedirectionEntry::LOW_WRITABLE)
            }
            Half::High => {
                let keep = old.0 & !(u64::from(RedirectionEntry::HIGH_WRITABLE) << 32);
                keep | u64::from(value & RedirectionEntry::HIGH_WRITABLE) << 32
            }
        };
        let mut new = RedirectionEntry(raw);
        if new.trigger_mode() == TriggerMode::Edge {
            new = new.with_remote_irr(false);
        }
        self.entries[pin] = new;
        self.service_level(pin)
    }
}

/// Which dword of a redirection entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Half {
    /// Bits 31:0.
    Low,
    /// Bits 63:32.
    High,
}

#[cfg(test)]
mod tests;
