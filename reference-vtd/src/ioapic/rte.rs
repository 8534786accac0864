//! The IOAPIC redirection table entry (82093AA datasheet §3.2.4, Table 3-4), with the
//! remappable format of VT-d §5.1.5.1.
//!
//! Invariants:
//! - An entry is always a [`RedirectionEntry`], never a bare `u64`; software writes only its
//!   writable bits ([`RedirectionEntry::LOW_WRITABLE`], [`RedirectionEntry::HIGH_WRITABLE`]);
//!   delivery status and remote IRR are the IOAPIC's.
//! - The upstream message an entry sends is built in one place
//!   ([`RedirectionEntry::message`]): RTE bits 63:48 go to address bits 19:4 and RTE bit 11 to
//!   address bit 2, so a compatibility entry yields destination ID and destination mode, and a
//!   remappable entry (bit 48 set) yields interrupt format, handle\[14:0\] and handle\[15\],
//!   exactly as VT-d §5.1.5.1 Figure 5-12 lays them out.

use crate::bits::bitfield;
use crate::message::{DeliveryMode, DestinationMode, TriggerMode};
use crate::msi::{MsiAddress, MsiData};

bitfield! {
    /// A 64-bit redirection table entry.
    pub struct RedirectionEntry(u64) {
        /// Interrupt vector (also matched against EOIs).
        vector, with_vector: 0 ..= 7 as u8;
        /// Delivery mode.
        delivery_mode, with_delivery_mode: 8 ..= 10 as DeliveryMode;
        /// Destination mode (in the remappable format: interrupt index bit 15).
        destination_mode, with_destination_mode: 11 ..= 11 as DestinationMode;
        /// Delivery status (read-only; always 0 here, the message is sent at once).
        delivery_status, with_delivery_status: 12 ..= 12 as bool;
        /// Interrupt input pin polarity: active low.
        active_low, with_active_low: 13 ..= 13 as bool;
        /// Remote IRR (read-only): a level interrupt was sent and not yet EOI'd.
        remote_irr, with_remote_irr: 14 ..= 14 as bool;
        /// Trigger mode.
        trigger_mode, with_trigger_mode: 15 ..= 15 as TriggerMode;
        /// Interrupt mask.
        masked, with_masked: 16 ..= 16 as bool;
        /// Interrupt format: remappable (VT-d §5.1.5.1).
        remappable, with_remappable: 48 ..= 48 as bool;
        /// Interrupt index bits 14:0 (remappable format).
        index_low, with_index_low: 49 ..= 63 as u16;
        /// Destination field (compatibility format).
        destination, with_destination: 56 ..= 63 as u8;
    }
}

impl RedirectionEntry {
    /// Reset value: masked, everything else 0 (82093AA §3.2.4).
    pub const RESET: RedirectionEntry = RedirectionEntry(1 << 16);
    /// Software-writable bits of the low dword: 11:0, 13, 15, 16.
    pub const LOW_WRITABLE: u32 = 0xfff | 1 << 13 | 1 << 15 | 1 << 16;
    /// Software-writable bits of the high dword: 63:48 (destination, and the remappable
    /// format's interrupt format and index).
    pub const HIGH_WRITABLE: u32 = 0xffff_0000;

    /// The interrupt index of a remappable entry: bit 15 from RTE bit 11, bits 14:0 from RTE
    /// bits 63:49.
    pub fn remap_index(self) -> u16 {
        (self.destination_mode() as u16) << 15 | self.index_low()
    }

    /// The upstream message (address, data) this entry sends.
    pub fn message(self) -> (MsiAddress, MsiData) {
        let address =
            MsiAddress::BASE | ((self.0 >> 48) as u32) << 4 | (self.0 as u32 & 1 << 11) >> 9;
        let data = MsiData(0)
            .with_vector(self.vector())
            .with_delivery_mode(self.delivery_mode())
            .with_assert(true)
            .with_trigger_mode(self.trigger_mode());
        (MsiAddress(address), data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msi::{Decoded, decode};

    #[test]
    fn a_compatibility_entry_sends_its_destination_and_vector() {
        let rte = RedirectionEntry(0)
            .with_vector(0x41)
            .with_destination(3)
            .with_destination_mode(DestinationMode::Logical)
            .with_trigger_mode(TriggerMode::Level);
        let (a, d) = rte.message();
        let Ok(Decoded::Compatibility(m)) = decode(a, d) else {
            panic!("expected a compatibility message");
        };
        assert_eq!(m.destination_id, 3);
        assert_eq!(m.destination_mode, DestinationMode::Logical);
        assert_eq!(m.vector.0, 0x41);
        assert_eq!(m.trigger, TriggerMode::Level);
    }

    #[test]
    fn a_remappable_entry_sends_its_16_bit_index() {
        let rte = RedirectionEntry(0)
            .with_remappable(true)
            .with_index_low(0x1234)
            .with_destination_mode(DestinationMode::Logical);
        assert_eq!(rte.remap_index(), 0x9234);
        let (a, d) = rte.message();
        let Ok(Decoded::Remappable(m)) = decode(a, d) else {
            panic!("expected a remappable message");
        };
        assert_eq!(m.handle, 0x9234);
        assert_eq!(m.subhandle, None);
    }
}
