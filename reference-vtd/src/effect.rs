//! Effects: what a component asks the rest of the machine to do, returned as values.
//!
//! Invariants:
//! - Components never reach each other: a local APIC's ICR write returns an
//!   [`Effect::Message`], its EOI of a level-triggered vector returns an
//!   [`Effect::EoiBroadcast`], the remapping unit's posting returns an
//!   [`Effect::Notification`]; [`crate::Machine`] applies them in order.
//! - Non-vectored deliveries (NMI, INIT, SIPI, SMI, ExtINT) that reach a local APIC are recorded
//!   there as [`LocalEvent`]s; they never enter the IRR.

use crate::message::InterruptMessage;
use crate::vector::Vector;

/// Something a component asks the machine to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Deliver an interrupt message to the local APICs it names (an IPI, a self-IPI, an
    /// IOAPIC or MSI interrupt after remapping, a fault-event interrupt).
    Message(InterruptMessage),
    /// A local APIC EOI'd a level-triggered vector without EOI-broadcast suppression: every
    /// IOAPIC clears the remote IRR of its level entries with this vector (SDM §11.8.5).
    EoiBroadcast(Vector),
    /// A posted-interrupt notification event: vector NV to the physical APIC ID NDST
    /// (VT-d §5.2.3, SDM §30.6).
    Notification(Notification),
}

/// A posted-interrupt notification event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Notification {
    /// Notification vector (NV).
    pub vector: Vector,
    /// Notification destination (NDST): a physical APIC ID.
    pub destination: u32,
}

/// A non-vectored delivery a local APIC accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalEvent {
    /// A non-maskable interrupt.
    Nmi,
    /// A system management interrupt.
    Smi,
    /// INIT.
    Init,
    /// A start-up IPI with its vector (the start-up page).
    StartUp(Vector),
    /// An ExtINT (the vector comes from an external 8259A; none is modelled).
    ExtInt,
}
