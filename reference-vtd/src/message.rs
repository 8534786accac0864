//! Interrupt messages: what travels between an interrupt source (ICR, IOAPIC, MSI, the
//! remapping unit) and the local APICs, and how a destination is named.
//!
//! Invariants:
//! - A message is a value: the component that produced it never delivers it itself; the
//!   [`crate::Machine`] resolves its destination set and hands it to each accepting local APIC.
//! - A destination carries the addressing format of its sender ([`AddressFormat`]): an xAPIC
//!   8-bit ID where 0xFF is broadcast, or an x2APIC 32-bit ID where 0xFFFF_FFFF is broadcast
//!   (SDM §11.6.2.1, §11.12.9).
//! - Field enums cover every encoding of their width, reserved ones included.

use crate::bits::Field;
use crate::vector::Vector;

/// Delivery mode, 3 bits (SDM §11.6.1 ICR, §11.5.1 LVT, §11.11.2 MSI data; 82093AA §3.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DeliveryMode {
    /// 000: the vector, to every destination.
    #[default]
    Fixed,
    /// 001: the vector, to one destination of lowest priority.
    LowestPriority,
    /// 010: system management interrupt.
    Smi,
    /// 011: reserved.
    Reserved3,
    /// 100: non-maskable interrupt.
    Nmi,
    /// 101: INIT.
    Init,
    /// 110: start-up IPI (ICR only).
    StartUp,
    /// 111: ExtINT (LVT LINT0/1, IOAPIC); reserved in the ICR.
    ExtInt,
}

impl Field for DeliveryMode {
    fn from_bits(bits: u128) -> DeliveryMode {
        match bits & 7 {
            0 => DeliveryMode::Fixed,
            1 => DeliveryMode::LowestPriority,
            2 => DeliveryMode::Smi,
            3 => DeliveryMode::Reserved3,
            4 => DeliveryMode::Nmi,
            5 => DeliveryMode::Init,
            6 => DeliveryMode::StartUp,
            _ => DeliveryMode::ExtInt,
        }
    }
    fn to_bits(self) -> u128 {
        self as u128
    }
}

impl DeliveryMode {
    /// Does this mode carry a vector into the IRR (fixed or lowest priority)?
    pub fn is_vectored(self) -> bool {
        matches!(self, DeliveryMode::Fixed | DeliveryMode::LowestPriority)
    }
}

/// Destination mode, 1 bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DestinationMode {
    /// 0: the destination is an APIC ID.
    #[default]
    Physical,
    /// 1: the destination is a logical (message destination) address.
    Logical,
}

impl Field for DestinationMode {
    fn from_bits(bits: u128) -> DestinationMode {
        if bits & 1 == 0 {
            DestinationMode::Physical
        } else {
            DestinationMode::Logical
        }
    }
    fn to_bits(self) -> u128 {
        self as u128
    }
}

/// Trigger mode, 1 bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TriggerMode {
    /// 0: edge.
    #[default]
    Edge,
    /// 1: level.
    Level,
}

impl Field for TriggerMode {
    fn from_bits(bits: u128) -> TriggerMode {
        if bits & 1 == 0 {
            TriggerMode::Edge
        } else {
            TriggerMode::Level
        }
    }
    fn to_bits(self) -> u128 {
        self as u128
    }
}

/// How a destination ID is encoded by its sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AddressFormat {
    /// 8-bit xAPIC destination, 0xFF = all (SDM §11.6.2).
    #[default]
    XApic,
    /// 32-bit x2APIC destination, 0xFFFF_FFFF = all (SDM §11.12.9, §11.12.10).
    X2Apic,
}

/// A destination as a message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Destination {
    /// The destination field (8 significant bits in [`AddressFormat::XApic`]).
    pub id: u32,
    /// Physical or logical.
    pub mode: DestinationMode,
    /// The sender's addressing format.
    pub format: AddressFormat,
}

impl Destination {
    /// A physical destination.
    pub fn physical(id: u32, format: AddressFormat) -> Destination {
        Destination {
            id,
            mode: DestinationMode::Physical,
            format,
        }
    }

    /// A logical destination.
    pub fn logical(id: u32, format: AddressFormat) -> Destination {
        Destination {
            id,
            mode: DestinationMode::Logical,
            format,
        }
    }

    /// Is this the broadcast ID of its format (in either destination mode)?
    pub fn is_broadcast(&self) -> bool {
        match self.format {
            AddressFormat::XApic => self.id & 0xff == 0xff,
            AddressFormat::X2Apic => self.id == u32::MAX,
        }
    }
}

/// Destination shorthand, ICR bits 19:18 (SDM §11.6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Shorthand {
    /// 00: use the destination field.
    #[default]
    None,
    /// 01: the sender only.
    SelfOnly,
    /// 10: every local APIC, the sender included.
    AllIncludingSelf,
    /// 11: every local APIC but the sender.
    AllExcludingSelf,
}

impl Field for Shorthand {
    fn from_bits(bits: u128) -> Shorthand {
        match bits & 3 {
            0 => Shorthand::None,
            1 => Shorthand::SelfOnly,
            2 => Shorthand::AllIncludingSelf,
            _ => Shorthand::AllExcludingSelf,
        }
    }
    fn to_bits(self) -> u128 {
        self as u128
    }
}

/// Who a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The APICs a destination names.
    Destination(Destination),
    /// An ICR shorthand, relative to the sending CPU.
    Shorthand {
        /// The sending CPU (index).
        sender: usize,
        /// Which shorthand.
        shorthand: Shorthand,
    },
}

/// An interrupt message on its way to local APICs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InterruptMessage {
    /// The vector (ignored by NMI, INIT, SMI; the start-up page for SIPI).
    pub vector: Vector,
    /// Delivery mode.
    pub delivery: DeliveryMode,
    /// Trigger mode: level-triggered fixed interrupts set the TMR bit on acceptance.
    pub trigger: TriggerMode,
    /// Who receives it.
    pub target: Target,
}

impl InterruptMessage {
    /// A fixed, edge-triggered message to a physical destination.
    pub fn fixed_physical(vector: Vector, id: u32, format: AddressFormat) -> InterruptMessage {
        InterruptMessage {
            vector,
            delivery: DeliveryMode::Fixed,
            trigger: TriggerMode::Edge,
            target: Target::Destination(Destination::physical(id, format)),
        }
    }
}
