//! MSI address and data: the compatibility format (SDM vol. 3 §11.11.1 Figure 11-24,
//! §11.11.2 Figure 11-25) and the remappable format (VT-d §5.1.5.2 Figures 5-13/5-14).
//!
//! Invariants:
//! - Address and data are typed ([`MsiAddress`], [`MsiData`]); [`decode`] is the one place
//!   that tells the formats apart (address bit 4, "interrupt format").
//! - An address outside 0xFEEx_xxxx (or with upper address bits set) is not an interrupt
//!   request; decoding says so instead of guessing.
//! - The x2APIC "extended destination ID" in address bits 11:5 (a paravirtual convention, not
//!   in the SDM) is not modelled: those bits are reserved in the compatibility format.

use crate::bits::bitfield;
use crate::message::{
    AddressFormat, DeliveryMode, Destination, DestinationMode, InterruptMessage, Target,
    TriggerMode,
};
use crate::vector::Vector;

bitfield! {
    /// The MSI address (low 32 bits).
    pub struct MsiAddress(u32) {
        /// Destination mode (compatibility) / handle bit 15 (remappable).
        destination_mode, with_destination_mode: 2 ..= 2 as DestinationMode;
        /// Redirection hint (compatibility) / SHV, subhandle valid (remappable).
        redirection_hint, with_redirection_hint: 3 ..= 3 as bool;
        /// Interrupt format: 1 = remappable (VT-d §5.1.5.2).
        remappable, with_remappable: 4 ..= 4 as bool;
        /// Handle bits 14:0 (remappable).
        handle_low, with_handle_low: 5 ..= 19 as u16;
        /// Destination ID (compatibility).
        destination_id, with_destination_id: 12 ..= 19 as u8;
        /// Must be 0xFEE.
        fee, with_fee: 20 ..= 31 as u16;
    }
}

impl MsiAddress {
    /// 0xFEE0_0000: the interrupt address window.
    pub const BASE: u32 = 0xfee0_0000;

    /// A compatibility-format address.
    pub fn compatibility(destination_id: u8, mode: DestinationMode) -> MsiAddress {
        MsiAddress(MsiAddress::BASE)
            .with_destination_id(destination_id)
            .with_destination_mode(mode)
    }

    /// A remappable-format address for `handle`, with or without a subhandle.
    pub fn remappable_format(handle: u16, subhandle_valid: SubhandleValid) -> MsiAddress {
        MsiAddress(MsiAddress::BASE)
            .with_remappable(true)
            .with_handle_low(handle & 0x7fff)
            .with_destination_mode(DestinationMode::from_bit(handle >> 15))
            .with_redirection_hint(subhandle_valid == SubhandleValid::Valid)
    }
}

impl DestinationMode {
    fn from_bit(bit: u16) -> DestinationMode {
        if bit & 1 == 0 {
            DestinationMode::Physical
        } else {
            DestinationMode::Logical
        }
    }
}

/// Whether a remappable address's data carries a subhandle (SHV).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubhandleValid {
    /// SHV = 0: the interrupt index is the handle.
    Invalid,
    /// SHV = 1: the interrupt index is handle + data\[15:0\].
    Valid,
}

bitfield! {
    /// The MSI data.
    pub struct MsiData(u32) {
        /// Vector (compatibility).
        vector, with_vector: 0 ..= 7 as u8;
        /// Delivery mode (compatibility).
        delivery_mode, with_delivery_mode: 8 ..= 10 as DeliveryMode;
        /// Level: assert (compatibility; ignored for edge).
        assert, with_assert: 14 ..= 14 as bool;
        /// Trigger mode (compatibility).
        trigger_mode, with_trigger_mode: 15 ..= 15 as TriggerMode;
        /// Subhandle (remappable, with SHV).
        subhandle, with_subhandle: 0 ..= 15 as u16;
        /// Reserved, bits 31:16.
        reserved_high, with_reserved_high: 16 ..= 31 as u16;
    }
}

/// A decoded compatibility-format interrupt request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CompatibilityRequest {
    /// 8-bit destination ID.
    pub destination_id: u8,
    /// Destination mode.
    pub destination_mode: DestinationMode,
    /// Redirection hint.
    pub redirection_hint: bool,
    /// Vector.
    pub vector: Vector,
    /// Delivery mode.
    pub delivery: DeliveryMode,
    /// Trigger mode.
    pub trigger: TriggerMode,
}

impl CompatibilityRequest {
    /// The interrupt message it sends (8-bit xAPIC addressing, SDM §11.11.1).
    pub fn message(&self) -> InterruptMessage {
        InterruptMessage {
            vector: self.vector,
            delivery: self.delivery,
            trigger: self.trigger,
            target: Target::Destination(Destination {
                id: u32::from(self.destination_id),
                mode: self.destination_mode,
                format: AddressFormat::XApic,
            }),
        }
    }
}

/// A decoded remappable-format interrupt request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RemappableRequest {
    /// The 16-bit handle.
    pub handle: u16,
    /// The subhandle, when SHV is set.
    pub subhandle: Option<u16>,
    /// Data bits 31:16, reserved (a non-zero value is fault 20h).
    pub reserved_data: u16,
}

impl RemappableRequest {
    /// The interrupt index: handle, plus the subhandle when SHV (VT-d §5.1.2.2), modulo 2^16.
    pub fn interrupt_index(&self) -> u32 {
        u32::from(self.handle) + u32::from(self.subhandle.unwrap_or(0))
    }
}

/// What an MSI write is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decoded {
    /// Compatibility format.
    Compatibility(CompatibilityRequest),
    /// Remappable format.
    Remappable(RemappableRequest),
}

/// Why an MSI write is not an interrupt request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MsiError {
    /// The address is not in the 0xFEEx_xxxx interrupt window.
    NotInterruptAddress(u64),
}

/// Decode a 32-bit address and data.
pub fn decode(address: MsiAddress, data: MsiData) -> Result<Decoded, MsiError> {
    if u32::from(address.fee()) != MsiAddress::BASE >> 20 {
        return Err(MsiError::NotInterruptAddress(u64::from(address.0)));
    }
    if address.remappable() {
        let handle = address.handle_low() | (address.destination_mode() as u16) << 15;
        return Ok(Decoded::Remappable(RemappableRequest {
            handle,
            subhandle: address.redirection_hint().then_some(data.subhandle()),
            reserved_data: data.reserved_high(),
        }));
    }
    Ok(Decoded::Compatibility(CompatibilityRequest {
        destination_id: address.destination_id(),
        destination_mode: address.destination_mode(),
        redirection_hint: address.redirection_hint(),
        vector: Vector(data.vector()),
        delivery: data.delivery_mode(),
        trigger: data.trigger_mode(),
    }))
}

/// Decode a 64-bit MSI address (upper bits must be 0) and data.
pub fn decode64(address: u64, data: u32) -> Result<Decoded, MsiError> {
    let low = u32::try_from(address).map_err(|_| MsiError::NotInterruptAddress(address))?;
    decode(MsiAddress(low), MsiData(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compatibility_msi_decodes_to_its_destination_and_vector() {
        let a = MsiAddress::compatibility(0x05, DestinationMode::Physical);
        let d = MsiData(0)
            .with_vector(0x61)
            .with_delivery_mode(DeliveryMode::LowestPriority);
        let Ok(Decoded::Compatibility(c)) = decode(a, d) else {
            panic!("compatibility expected");
        };
        assert_eq!(c.destination_id, 5);
        assert_eq!(c.vector, Vector(0x61));
        assert_eq!(c.delivery, DeliveryMode::LowestPriority);
    }

    #[test]
    fn a_remappable_msi_with_shv_adds_the_subhandle_to_the_handle() {
        let a = MsiAddress::remappable_format(0x8010, SubhandleValid::Valid);
        let Ok(Decoded::Remappable(r)) = decode(a, MsiData(3)) else {
            panic!("remappable expected");
        };
        assert_eq!(r.handle, 0x8010);
        assert_eq!(r.interrupt_index(), 0x8013);
    }

    #[test]
    fn an_address_outside_the_interrupt_window_is_not_an_interrupt() {
        assert_eq!(
            decode64(0x1_fee0_0000, 0),
            Err(MsiError::NotInterruptAddress(0x1_fee0_0000))
        );
        assert!(decode(MsiAddress(0xfed0_0000), MsiData(0)).is_err());
    }
}
