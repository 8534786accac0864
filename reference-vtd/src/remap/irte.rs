//! Interrupt remapping table entries, 128 bits, in the remapped format (VT-d §9.9) and the
//! posted format (VT-d §9.10), and source-id verification (VT-d §9.9 SVT/SQ/SID).
//!
//! Invariants:
//! - An entry is an [`Irte`] newtype over `u128`; [`Irte::check`] is the one place that turns
//!   it into a validated [`IrteView`] or says which fault reason applies (24h for reserved and
//!   conditionally reserved fields, 26h for a failed source-id check).
//! - Reserved bits depend on the format (IM) and on the interrupt mode: with EIME clear
//!   (xAPIC), only destination bits 47:40 are used and bits 39:32 and 63:48 are reserved.
//! - A posted entry is reserved (24h) when the unit does not support posting (CAP.PI = 0).

use crate::bits::{Field, bitfield};
use crate::message::{
    AddressFormat, DeliveryMode, Destination, DestinationMode, InterruptMessage, Target,
    TriggerMode,
};
use crate::remap::fault::FaultReason;
use crate::vector::Vector;

/// Source validation type (SVT), bits 83:82.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceValidation {
    /// 00: no verification.
    None,
    /// 01: verify the requester ID against SID, masked by SQ.
    RequesterId,
    /// 10: verify the requester's bus number lies in SID\[15:8\] ..= SID\[7:0\].
    BusRange,
    /// 11: reserved.
    Reserved,
}

impl Field for SourceValidation {
    fn from_bits(bits: u128) -> SourceValidation {
        match bits & 3 {
            0 => SourceValidation::None,
            1 => SourceValidation::RequesterId,
            2 => SourceValidation::BusRange,
            _ => SourceValidation::Reserved,
        }
    }
    fn to_bits(self) -> u128 {
        self as u128
    }
}

bitfield! {
    /// An interrupt remapping table entry.
    pub struct Irte(u128) {
        /// Present.
        present, with_present: 0 ..= 0 as bool;
        /// Fault processing disable (suppresses qualified faults).
        fpd, with_fpd: 1 ..= 1 as bool;
        /// Destination mode (remapped format).
        destination_mode, with_destination_mode: 2 ..= 2 as DestinationMode;
        /// Redirection hint (remapped format).
        redirection_hint, with_redirection_hint: 3 ..= 3 as bool;
        /// Trigger mode (remapped format).
        trigger_mode, with_trigger_mode: 4 ..= 4 as TriggerMode;
        /// Delivery mode (remapped format).
        delivery_mode, with_delivery_mode: 5 ..= 7 as DeliveryMode;
        /// Available to software.
        available, with_available: 8 ..= 11 as u8;
        /// Urgent (posted format).
        urgent, with_urgent: 14 ..= 14 as bool;
        /// IRTE mode: 0 remapped, 1 posted.
        posted, with_posted: 15 ..= 15 as bool;
        /// Vector (remapped) or virtual vector (posted).
        vector, with_vector: 16 ..= 23 as u8;
        /// Destination ID (remapped): 32 bits with EIME, else bits 47:40.
        destination, with_destination: 32 ..= 63 as u32;
        /// xAPIC destination ID (remapped, EIME clear).
        xapic_destination, with_xapic_destination: 40 ..= 47 as u8;
        /// Posted-interrupt descriptor address bits 31:6 (posted).
        pda_low, with_pda_low: 38 ..= 63 as u32;
        /// Source identifier.
        sid, with_sid: 64 ..= 79 as u16;
        /// Source-id qualifier.
        sq, with_sq: 80 ..= 81 as u8;
        /// Source validation type.
        svt, with_svt: 82 ..= 83 as SourceValidation;
        /// Posted-interrupt descriptor address bits 63:32 (posted).
        pda_high, with_pda_high: 96 ..= 127 as u32;
    }
}

/// Reserved bits common to both formats: 127:84 in remapped, 95:84 in posted (handled per
/// format below).
const REMAPPED_RESERVED: u128 = 0b111 << 12 | 0xff << 24 | !0u128 << 84;
const REMAPPED_XAPIC_RESERVED: u128 = 0xff << 32 | 0xffff << 48;
const POSTED_RESERVED: u128 = 0b11_1111 << 2 | 0b11 << 12 | 0x3fff << 24 | 0xfff << 84;

/// A validated IRTE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IrteView {
    /// Remapped: the message to send.
    Remapped(InterruptMessage),
    /// Posted: the virtual vector, urgency and descriptor address.
    Posted {
        /// Virtual vector to set in the PIR.
        vector: Vector,
        /// URG.
        urgent: bool,
        /// Posted-interrupt descriptor address (64-byte aligned).
        descriptor: u64,
    },
}

impl Irte {
    /// The posted-interrupt descriptor address (posted format).
    pub fn descriptor_address(self) -> u64 {
        u64::from(self.pda_high()) << 32 | u64::from(self.pda_low()) << 6
    }

    /// A present remapped-format entry.
    pub fn remapped(vector: Vector, destination: u32, format: AddressFormat) -> Irte {
        let e = Irte(0).with_present(true).with_vector(vector.0);
        match format {
            AddressFormat::X2Apic => e.with_destination(destination),
            AddressFormat::XApic => e.with_xapic_destination(destination as u8),
        }
    }

    /// A present posted-format entry.
    pub fn posted_entry(vector: Vector, descriptor: u64) -> Irte {
        Irte(0)
            .with_present(true)
            .with_posted(true)
            .with_vector(vector.0)
            .with_pda_low((descriptor >> 6) as u32)
            .with_pda_high((descriptor >> 32) as u32)
    }

    /// Validate a present entry for a request from `source_id`, in the interrupt mode `format`
    /// (X2Apic when IRTA.EIME is set), on a unit that `posting` supports or not.
    pub fn check(
        self,
        source_id: u16,
        format: AddressFormat,
        posting: Posting,
    ) -> Result<IrteView, FaultReason> {
        let reserved = if self.posted() {
            POSTED_RESERVED
        } else {
            match format {
                AddressFormat::X2Apic => REMAPPED_RESERVED,
                AddressFormat::XApic => REMAPPED_RESERVED | REMAPPED_XAPIC_RESERVED,
            }
        };
        let conditionally_reserved = self.svt() == SourceValidation::Reserved
            || (self.posted() && posting == Posting::Unsupported)
            || (!self.posted()
                && matches!(
                    self.delivery_mode(),
                    DeliveryMode::Reserved3 | DeliveryMode::StartUp
                ));
        if self.0 & reserved != 0 || conditionally_reserved {
            return Err(FaultReason::IrteReservedField);
        }
        if !self.source_id_matches(source_id) {
            return Err(FaultReason::SourceIdVerificationFailed);
        }
        if self.posted() {
            return Ok(IrteView::Posted {
                vector: Vector(self.vector()),
                urgent: self.urgent(),
                descriptor: self.descriptor_address(),
            });
        }
        let id = match format {
            AddressFormat::X2Apic => self.destination(),
            AddressFormat::XApic => u32::from(self.xapic_destination()),
        };
        Ok(IrteView::Remapped(InterruptMessage {
            vector: Vector(self.vector()),
            delivery: self.delivery_mode(),
            trigger: self.trigger_mode(),
            target: Target::Destination(Destination {
                id,
                mode: self.destination_mode(),
                format,
            }),
        }))
    }

    /// Source-id verification (VT-d §9.9, SVT/SQ/SID).
    pub fn source_id_matches(self, source_id: u16) -> bool {
        match self.svt() {
            SourceValidation::None => true,
            SourceValidation::RequesterId => {
                // SQ 00: all 16 bits; 01: ignore bit 2; 10: ignore bits 2:1; 11: bits 2:0.
                let ignore: u16 = match self.sq() {
                    0 => 0,
                    1 => 0b100,
                    2 => 0b110,
                    _ => 0b111,
                };
                self.sid() & !ignore == source_id & !ignore
            }
            SourceValidation::BusRange => {
                let bus = (source_id >> 8) as u8;
                let start = (self.sid() >> 8) as u8;
                let end = self.sid() as u8;
                (start..=end).contains(&bus)
            }
            SourceValidation::Reserved => false,
        }
    }
}

/// Whether the remapping unit supports posted interrupts (CAP.PI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Posting {
    /// CAP.PI = 1.
    Supported,
    /// CAP.PI = 0: a posted-format IRTE is reserved.
    Unsupported,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remapped_entry_yields_its_message() {
        let e = Irte::remapped(Vector(0x45), 0x101, AddressFormat::X2Apic)
            .with_delivery_mode(DeliveryMode::LowestPriority);
        let Ok(IrteView::Remapped(m)) = e.check(0, AddressFormat::X2Apic, Posting::Unsupported)
        else {
            panic!("remapped expected");
        };
        assert_eq!(m.vector, Vector(0x45));
        assert_eq!(m.delivery, DeliveryMode::LowestPriority);
        assert_eq!(
            m.target,
            Target::Destination(Destination::physical(0x101, AddressFormat::X2Apic))
        );
    }

    #[test]
    fn a_32_bit_destination_is_reserved_in_xapic_mode() {
        let e = Irte::remapped(Vector(0x45), 0x101, AddressFormat::X2Apic);
        assert_eq!(
            e.check(0, AddressFormat::XApic, Posting::Unsupported),
            Err(FaultReason::IrteReservedField)
        );
    }

    #[test]
    fn a_posted_entry_is_reserved_without_posting_support() {
        let e = Irte::posted_entry(Vector(0x30), 0x1000);
        assert_eq!(
            e.check(0, AddressFormat::X2Apic, Posting::Unsupported),
            Err(FaultReason::IrteReservedField)
        );
        assert_eq!(
            e.check(0, AddressFormat::X2Apic, Posting::Supported),
            Ok(IrteView::Posted {
                vector: Vector(0x30),
                urgent: false,
                descriptor: 0x1000
            })
        );
    }

    #[test]
    fn source_id_qualifier_ignores_function_bits() {
        let e = Irte(0)
            .with_sid(0x0108)
            .with_svt(SourceValidation::RequesterId)
            .with_sq(3);
        assert!(e.source_id_matches(0x010f));
        assert!(!e.source_id_matches(0x0110));
        assert!(!e.with_sq(0).source_id_matches(0x010f));
    }

    #[test]
    fn bus_range_verification_checks_the_requester_bus() {
        let e = Irte(0)
            .with_sid(0x0203)
            .with_svt(SourceValidation::BusRange);
        assert!(e.source_id_matches(0x0300));
        assert!(!e.source_id_matches(0x0400));
        assert!(!e.source_id_matches(0x0100));
    }
}
