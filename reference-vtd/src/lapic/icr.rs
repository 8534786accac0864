//! The interrupt command register (SDM vol. 3 §11.6.1 Figure 11-12, §11.12.9 Figure 11-28)
//! and how a write to it becomes an interrupt message.
//!
//! Invariants:
//! - In xAPIC mode the ICR is two 32-bit registers (low at 0x300, high at 0x310) and writing
//!   the low half sends; in x2APIC mode it is one 64-bit MSR (0x830) whose write sends, with
//!   a 32-bit destination in bits 63:32.
//! - [`Icr::message`] is the only place an ICR value turns into an [`InterruptMessage`]; an
//!   ICR that sends nothing (reserved delivery mode, INIT level de-assert, an illegal vector)
//!   says why in [`IcrOutcome`].

use crate::bits::bitfield;
use crate::message::{
    AddressFormat, DeliveryMode, Destination, DestinationMode, InterruptMessage, Shorthand, Target,
    TriggerMode,
};
use crate::vector::Vector;

bitfield! {
    /// The 64-bit ICR.
    pub struct Icr(u64) {
        /// Vector (start-up page for SIPI).
        vector, with_vector: 0 ..= 7 as u8;
        /// Delivery mode.
        delivery_mode, with_delivery_mode: 8 ..= 10 as DeliveryMode;
        /// Destination mode.
        destination_mode, with_destination_mode: 11 ..= 11 as DestinationMode;
        /// Delivery status (xAPIC only, read-only; always 0 here: sending is immediate).
        delivery_status, with_delivery_status: 12 ..= 12 as bool;
        /// Level: 0 = de-assert (only meaningful for INIT level de-assert).
        assert, with_assert: 14 ..= 14 as bool;
        /// Trigger mode.
        trigger_mode, with_trigger_mode: 15 ..= 15 as TriggerMode;
        /// Destination shorthand.
        shorthand, with_shorthand: 18 ..= 19 as Shorthand;
        /// xAPIC destination (ICR high bits 31:24).
        xapic_destination, with_xapic_destination: 56 ..= 63 as u8;
        /// x2APIC destination (bits 63:32).
        x2apic_destination, with_x2apic_destination: 32 ..= 63 as u32;
    }
}

impl Icr {
    /// Writable bits of the low half (both modes).
    pub const LOW_WRITABLE: u64 = 0xfff | 1 << 14 | 1 << 15 | 0b11 << 18;
    /// Writable bits of the xAPIC high half (bits 31:24 of ICR high).
    pub const XAPIC_HIGH_WRITABLE: u32 = 0xff00_0000;
    /// Reserved bits of the x2APIC ICR MSR (a set one makes WRMSR #GP): bit 12 (no delivery
    /// status in x2APIC mode), 13, 16-17 and 20-31 (SDM Figure 11-28).
    pub const X2APIC_RESERVED: u64 = !(Icr::LOW_WRITABLE | 0xffff_ffff_0000_0000);

    /// The message this ICR sends from CPU `sender` whose APIC is in `format` addressing.
    pub fn message(self, sender: usize, format: AddressFormat) -> IcrOutcome {
        let delivery = self.delivery_mode();
        if matches!(delivery, DeliveryMode::Reserved3 | DeliveryMode::ExtInt) {
            return IcrOutcome::ReservedDeliveryMode;
        }
        // SDM §11.6.1: INIT with level 0 and trigger level is "INIT level de-assert", not
        // supported by Pentium 4 and later processors: nothing is sent.
        if delivery == DeliveryMode::Init
            && !self.assert()
            && self.trigger_mode() == TriggerMode::Level
        {
            return IcrOutcome::InitLevelDeassert;
        }
        let vector = Vector(self.vector());
        if delivery.is_vectored() && vector.is_illegal() {
            return IcrOutcome::IllegalVector(vector);
        }
        let target = match self.shorthand() {
            Shorthand::None => {
                let id = match format {
                    AddressFormat::XApic => u32::from(self.xapic_destination()),
                    AddressFormat::X2Apic => self.x2apic_destination(),
                };
                Target::Destination(Destination {
                    id,
                    mode: self.destination_mode(),
                    format,
                })
            }
            shorthand => Target::Shorthand { sender, shorthand },
        };
        // The trigger mode travels with the message: the receiver sets its TMR bit for a
        // level-triggered fixed message (SDM §11.8.4).
        IcrOutcome::Send(InterruptMessage {
            vector,
            delivery,
            trigger: self.trigger_mode(),
            target,
        })
    }
}

/// What writing the ICR does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IcrOutcome {
    /// A message is sent.
    Send(InterruptMessage),
    /// Delivery mode 011 or 111: nothing is sent (irqsuite's choice).
    ReservedDeliveryMode,
    /// INIT level de-assert: nothing is sent (SDM §11.6.1).
    InitLevelDeassert,
    /// A fixed or lowest-priority IPI with a vector 0-15: not sent, ESR "send illegal
    /// vector" (SDM §11.5.3).
    IllegalVector(Vector),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xapic_icr_names_an_8_bit_destination() {
        let icr = Icr(0)
            .with_vector(0x40)
            .with_destination_mode(DestinationMode::Logical)
            .with_xapic_destination(0x03);
        let IcrOutcome::Send(m) = icr.message(0, AddressFormat::XApic) else {
            panic!("expected a message");
        };
        assert_eq!(m.vector, Vector(0x40));
        assert_eq!(
            m.target,
            Target::Destination(Destination::logical(3, AddressFormat::XApic))
        );
    }

    #[test]
    fn a_fixed_ipi_with_vector_below_16_is_not_sent() {
        let icr = Icr(0).with_vector(0x0f);
        assert_eq!(
            icr.message(0, AddressFormat::X2Apic),
            IcrOutcome::IllegalVector(Vector(0x0f))
        );
    }

    #[test]
    fn an_nmi_ipi_ignores_the_vector_legality() {
        let icr = Icr(0).with_delivery_mode(DeliveryMode::Nmi);
        assert!(matches!(
            icr.message(0, AddressFormat::XApic),
            IcrOutcome::Send(_)
        ));
    }

    #[test]
    fn init_level_deassert_sends_nothing() {
        let icr = Icr(0)
            .with_delivery_mode(DeliveryMode::Init)
            .with_trigger_mode(TriggerMode::Level);
        assert_eq!(
            icr.message(0, AddressFormat::XApic),
            IcrOutcome::InitLevelDeassert
        );
    }
}
