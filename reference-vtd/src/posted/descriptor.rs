//! The posted-interrupt descriptor (VT-d §9.11; SDM vol. 3 §30.6) and the two ways of posting
//! into it: by the remapping hardware for a posted-format IRTE (VT-d §5.2.3) and by a CPU
//! (software posting before a notification IPI, SDM §30.6).
//!
//! Invariants:
//! - The descriptor is 64 bytes, 64-byte aligned: PIR in bits 255:0, then the control word
//!   ([`PiControl`]: ON, SN, NV, NDST) in bits 319:256; bits 511:320 are left untouched.
//! - Posting always sets the PIR bit. A notification is generated only when ON goes from 0 to
//!   1 and notifications are not suppressed: SN suppresses non-urgent requests; an urgent one
//!   (IRTE.URG) notifies regardless (VT-d §5.2.3).
//! - Whoever processes the notification clears ON and moves PIR into the virtual IRR
//!   ([`PiDescriptor::take_pending`]): nothing posted is lost or duplicated.

use crate::bits::bitfield;
use crate::effect::Notification;
use crate::memory::{GuestMemory, MemoryError};
use crate::message::AddressFormat;
use crate::vector::{Vector, VectorSet};

bitfield! {
    /// Descriptor bits 319:256.
    pub struct PiControl(u64) {
        /// Outstanding notification.
        on, with_on: 0 ..= 0 as bool;
        /// Suppress notification (for non-urgent requests).
        sn, with_sn: 1 ..= 1 as bool;
        /// Notification vector.
        nv, with_nv: 16 ..= 23 as u8;
        /// Notification destination: 32-bit x2APIC ID, or the xAPIC ID in bits 15:8.
        ndst, with_ndst: 32 ..= 63 as u32;
    }
}

impl PiControl {
    /// Reserved bits of the control word: 271:258 and 287:280 (VT-d §9.11).
    pub const RESERVED: u64 = 0x3fff << 2 | 0xff << 24;
    /// NDST bits reserved in xAPIC mode: 7:0 and 31:16 of NDST.
    pub const XAPIC_NDST_RESERVED: u64 = 0xff << 32 | 0xffff << 48;

    /// The APIC ID NDST names in `format`.
    pub fn destination(self, format: AddressFormat) -> u32 {
        match format {
            AddressFormat::X2Apic => self.ndst(),
            AddressFormat::XApic => (self.ndst() >> 8) & 0xff,
        }
    }

    /// NDST for the APIC ID `id` in `format`.
    pub fn with_destination(self, id: u32, format: AddressFormat) -> PiControl {
        match format {
            AddressFormat::X2Apic => self.with_ndst(id),
            AddressFormat::XApic => self.with_ndst((id & 0xff) << 8),
        }
    }
}

/// Urgency of a posted request (IRTE.URG).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Urgency {
    /// URG = 0: SN suppresses the notification.
    Normal,
    /// URG = 1: notify even with SN set.
    Urgent,
}

/// The interesting part of a posted-interrupt descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PiDescriptor {
    /// Posted interrupt requests.
    pub pir: VectorSet,
    /// ON, SN, NV, NDST.
    pub control: PiControl,
}

/// Size of the part of the descriptor the model reads and writes (PIR and control).
const PI_BYTES: usize = 40;

impl PiDescriptor {
    /// Read the descriptor at `address`.
    pub fn read(mem: &dyn GuestMemory, address: u64) -> Result<PiDescriptor, MemoryError> {
        let mut b = [0u8; PI_BYTES];
        mem.read(address, &mut b)?;
        let mut words = [0u32; 8];
        for (i, w) in words.iter_mut().enumerate() {
            *w = u32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]]);
        }
        let mut c = [0u8; 8];
        c.copy_from_slice(&b[32..40]);
        Ok(PiDescriptor {
            pir: VectorSet::from_words(words),
            control: PiControl(u64::from_le_bytes(c)),
        })
    }

    /// Write the descriptor back at `address` (bits 511:320 untouched).
    pub fn write(&self, mem: &mut dyn GuestMemory, address: u64) -> Result<(), MemoryError> {
        let mut b = [0u8; PI_BYTES];
        for (i, w) in self.pir.words().iter().enumerate() {
            b[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
        }
        b[32..40].copy_from_slice(&self.control.0.to_le_bytes());
        mem.write(address, &b)
    }

    /// Does the descriptor have reserved bits set (fault 28h)?
    pub fn has_reserved_bits(&self, format: AddressFormat) -> bool {
        let mut reserved = PiControl::RESERVED;
        if format == AddressFormat::XApic {
            reserved |= PiControl::XAPIC_NDST_RESERVED;
        }
        self.control.0 & reserved != 0
    }

    /// Hardware posting (VT-d §5.2.3): set the PIR bit; if ON is clear and the request is
    /// urgent or SN is clear, set ON and return the notification to send.
    pub fn post_by_iommu(
        &mut self,
        vector: Vector,
        urgency: Urgency,
        format: AddressFormat,
    ) -> Option<Notification> {
        self.pir.insert(vector);
        let c = self.control;
        if c.on() || (c.sn() && urgency == Urgency::Normal) {
            return None;
        }
        self.control = c.with_on(true);
        Some(self.notification(format))
    }

    /// Software posting by a CPU (SDM §30.6): set the PIR bit, then set ON; a notification
    /// IPI is sent only if ON was clear and SN is clear (a vCPU that is not running has SN set
    /// and picks its PIR up at the next VM entry).
    pub fn post_by_cpu(&mut self, vector: Vector, format: AddressFormat) -> Option<Notification> {
        self.post_by_iommu(vector, Urgency::Normal, format)
    }

    /// The notification this descriptor asks for.
    pub fn notification(&self, format: AddressFormat) -> Notification {
        Notification {
            vector: Vector(self.control.nv()),
            destination: self.control.destination(format),
        }
    }

    /// Posted-interrupt processing (SDM §30.6 steps 3-4): clear ON, take PIR (cleared).
    pub fn take_pending(&mut self) -> VectorSet {
        self.control = self.control.with_on(false);
        core::mem::take(&mut self.pir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::SparseMemory;

    fn desc(nv: u8, ndst: u32) -> PiDescriptor {
        PiDescriptor {
            pir: VectorSet::new(),
            control: PiControl(0).with_nv(nv).with_ndst(ndst),
        }
    }

    #[test]
    fn the_first_post_notifies_and_later_ones_ride_on_on() {
        let mut d = desc(0xf2, 3);
        let n = d.post_by_iommu(Vector(0x40), Urgency::Normal, AddressFormat::X2Apic);
        assert_eq!(
            n,
            Some(Notification {
                vector: Vector(0xf2),
                destination: 3
            })
        );
        assert_eq!(
            d.post_by_iommu(Vector(0x41), Urgency::Normal, AddressFormat::X2Apic),
            None
        );
        assert_eq!(d.pir.len(), 2);
    }

    #[test]
    fn sn_suppresses_normal_but_not_urgent_notifications() {
        let mut d = desc(0xf2, 3);
        d.control = d.control.with_sn(true);
        assert_eq!(d.post_by_cpu(Vector(0x40), AddressFormat::X2Apic), None);
        assert!(!d.control.on());
        assert!(
            d.post_by_iommu(Vector(0x41), Urgency::Urgent, AddressFormat::X2Apic)
                .is_some()
        );
    }

    #[test]
    fn take_pending_clears_on_and_pir() {
        let mut d = desc(0xf2, 3);
        d.post_by_cpu(Vector(0x40), AddressFormat::X2Apic);
        let p = d.take_pending();
        assert!(p.contains(Vector(0x40)));
        assert!(d.pir.is_empty() && !d.control.on());
    }

    #[test]
    fn a_descriptor_round_trips_through_memory_leaving_the_tail_alone() {
        let mut m = SparseMemory::new();
        m.write(0x1000 + 40, &[0xaa; 24]).unwrap();
        let mut d = desc(0x20, 0x0500);
        d.pir.insert(Vector(0xff));
        d.write(&mut m, 0x1000).unwrap();
        assert_eq!(PiDescriptor::read(&m, 0x1000), Ok(d));
        let mut tail = [0u8; 24];
        m.read(0x1000 + 40, &mut tail).unwrap();
        assert_eq!(tail, [0xaa; 24]);
        assert_eq!(d.control.destination(AddressFormat::XApic), 5);
    }
}
