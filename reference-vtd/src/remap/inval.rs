//! The invalidation queue (VT-d §6.5.2): its registers and the descriptors the model
//! understands — the interrupt entry cache invalidation (§6.5.2.7) and the invalidation wait
//! descriptor (§6.5.2.8); context-cache, IOTLB and device-TLB invalidations are accepted and
//! do nothing (DMA remapping is not modelled).
//!
//! Invariants:
//! - Descriptors are 128 bits (IQA.DW = 0; 256-bit descriptors need scalable mode, which the
//!   unit does not report). [`Descriptor::decode`] is the one place that reads a descriptor's
//!   fields; an unknown type is an error (the unit then sets FSTS.IQE and stops with IQH on
//!   that descriptor, VT-d §6.5.2.10).
//! - IQH and IQT are byte offsets of 16-byte descriptors (bits 18:4); the queue holds
//!   2^QS × 256 descriptors and both wrap at its end.

use crate::bits::bitfield;

bitfield! {
    /// IQA_REG (VT-d §11.4.23).
    pub struct Iqa(u64) {
        /// Queue size: 2^QS 4 KiB pages.
        qs, with_qs: 0 ..= 2 as u8;
        /// Descriptor width (reserved without scalable mode).
        dw, with_dw: 11 ..= 11 as bool;
        /// Queue base page number.
        base_page, with_base_page: 12 ..= 63 as u64;
    }
}

impl Iqa {
    /// Writable bits (DW is reserved here).
    pub const WRITABLE: u64 = !0xfff | 0b111;

    /// The queue's base address.
    pub fn base(self) -> u64 {
        self.base_page() << 12
    }

    /// The queue's size in bytes.
    pub fn size(self) -> u64 {
        4096 << self.qs()
    }
}

/// IQH/IQT: the queue offset field, bits 18:4.
pub const QUEUE_OFFSET_MASK: u64 = 0x7fff0;

bitfield! {
    /// A 128-bit invalidation descriptor.
    pub struct RawDescriptor(u128) {
        /// Type bits 3:0.
        type_low, with_type_low: 0 ..= 3 as u8;
        /// Type bits 6:4 (descriptor bits 11:9).
        type_high, with_type_high: 9 ..= 11 as u8;
        /// IEC: granularity, 1 = index-selective.
        iec_index_selective, with_iec_index_selective: 4 ..= 4 as bool;
        /// IEC: index mask (2^IM entries).
        iec_index_mask, with_iec_index_mask: 27 ..= 31 as u8;
        /// IEC: interrupt index.
        iec_index, with_iec_index: 32 ..= 47 as u16;
        /// Wait: interrupt flag.
        wait_interrupt, with_wait_interrupt: 4 ..= 4 as bool;
        /// Wait: status write.
        wait_status_write, with_wait_status_write: 5 ..= 5 as bool;
        /// Wait: fence.
        wait_fence, with_wait_fence: 6 ..= 6 as bool;
        /// Wait: status data.
        wait_status_data, with_wait_status_data: 32 ..= 63 as u32;
        /// Wait: status address bits 63:2.
        wait_status_address, with_wait_status_address: 66 ..= 127 as u64;
    }
}

/// A decoded descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Descriptor {
    /// Context-cache (1), IOTLB (2) or device-TLB (3) invalidation: no interrupt state.
    DmaCache(u8),
    /// Interrupt entry cache invalidation (4).
    InterruptEntryCache(IecScope),
    /// Invalidation wait (5).
    Wait {
        /// Set ICS.IWC and raise the invalidation completion event.
        interrupt: bool,
        /// Write `status_data` to `status_address`.
        status_write: Option<(u64, u32)>,
    },
}

/// Which interrupt entries an IEC invalidation covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IecScope {
    /// Every entry.
    Global,
    /// 2^mask entries starting at `index` rounded down to that size.
    Indexed {
        /// Interrupt index.
        index: u16,
        /// Index mask (IM).
        mask: u8,
    },
}

impl IecScope {
    /// Does the invalidation cover `index`?
    pub fn covers(self, index: u16) -> bool {
        match self {
            IecScope::Global => true,
            IecScope::Indexed { index: base, mask } => {
                let m = if mask >= 16 { 0 } else { !0u16 << mask };
                index & m == base & m
            }
        }
    }
}

/// Why a descriptor is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InvalidDescriptor(pub u128);

impl Descriptor {
    /// Decode a descriptor.
    pub fn decode(raw: u128) -> Result<Descriptor, InvalidDescriptor> {
        let d = RawDescriptor(raw);
        if d.type_high() != 0 {
            return Err(InvalidDescriptor(raw));
        }
        match d.type_low() {
            t @ 1..=3 => Ok(Descriptor::DmaCache(t)),
            4 => Ok(Descriptor::InterruptEntryCache(
                if d.iec_index_selective() {
                    IecScope::Indexed {
                        index: d.iec_index(),
                        mask: d.iec_index_mask(),
                    }
                } else {
                    IecScope::Global
                },
            )),
            5 => Ok(Descriptor::Wait {
                interrupt: d.wait_interrupt(),
                status_write: d
                    .wait_status_write()
                    .then(|| (d.wait_status_address() << 2, d.wait_status_data())),
            }),
            _ => Err(InvalidDescriptor(raw)),
        }
    }

    /// Encode an interrupt entry cache invalidation.
    pub fn iec(scope: IecScope) -> u128 {
        let d = RawDescriptor(0).with_type_low(4);
        match scope {
            IecScope::Global => d.0,
            IecScope::Indexed { index, mask } => {
                d.with_iec_index_selective(true)
                    .with_iec_index(index)
                    .with_iec_index_mask(mask)
                    .0
            }
        }
    }

    /// Encode a wait descriptor writing `data` to `address` (4-byte aligned).
    pub fn wait_with_status(address: u64, data: u32) -> u128 {
        RawDescriptor(0)
            .with_type_low(5)
            .with_wait_status_write(true)
            .with_wait_status_data(data)
            .with_wait_status_address(address >> 2)
            .0
    }

    /// Encode a wait descriptor with the interrupt flag.
    pub fn wait_with_interrupt() -> u128 {
        RawDescriptor(0)
            .with_type_low(5)
            .with_wait_interrupt(true)
            .0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_selective_iec_covers_its_aligned_block() {
        let s = IecScope::Indexed {
            index: 0x13,
            mask: 2,
        };
        assert!(s.covers(0x10) && s.covers(0x13));
        assert!(!s.covers(0x14));
        assert!(IecScope::Global.covers(0xffff));
    }

    #[test]
    fn descriptors_round_trip_through_their_encoding() {
        let s = IecScope::Indexed { index: 7, mask: 0 };
        assert_eq!(
            Descriptor::decode(Descriptor::iec(s)),
            Ok(Descriptor::InterruptEntryCache(s))
        );
        assert_eq!(
            Descriptor::decode(Descriptor::wait_with_status(0x2000, 9)),
            Ok(Descriptor::Wait {
                interrupt: false,
                status_write: Some((0x2000, 9))
            })
        );
        assert!(Descriptor::decode(0x6).is_err());
        assert!(Descriptor::decode(1 << 9 | 4).is_err());
    }
}
