//! `ICH_LR<n>_EL2`, the GICv3 list register (IHI 0069H §12.4, `ICH_LR<n>_EL2`).
//!
//! Layout: vINTID \[31:0\]; pINTID \[44:32\] with HW = 1, and with HW = 0 bit 41 is EOI (the
//! rest RES0); Priority \[55:48\]; Group \[60\]; HW \[61\]; State \[63:62\]. There is no source
//! CPU field: GICv3 SGIs carry no source (IHI 0069H §12.4, `ICH_LR<n>_EL2`).
//!
//! Invariants: `decode(encode(lr))` returns `lr` with the pINTID cut to 13 bits and the
//! source CPU dropped; with HW = 1 the EOI bit is dropped.

use super::{ListRegister, LrState};
use crate::irq::Group;

const PINTID_SHIFT: u32 = 32;
const PINTID_MASK: u64 = 0x1fff;
const EOI: u64 = 1 << 41;
const PRIORITY_SHIFT: u32 = 48;
const GROUP: u64 = 1 << 60;
const HW: u64 = 1 << 61;
const STATE_SHIFT: u32 = 62;

/// The `ICH_LR<n>_EL2` value for `lr`.
pub fn encode(lr: &ListRegister) -> u64 {
    let physical = match lr.pintid {
        Some(p) => HW | (u64::from(p) & PINTID_MASK) << PINTID_SHIFT,
        None if lr.eoi_maintenance => EOI,
        None => 0,
    };
    let group = if lr.group == Group::G1 { GROUP } else { 0 };
    u64::from(lr.vintid)
        | physical
        | u64::from(lr.priority) << PRIORITY_SHIFT
        | group
        | u64::from(lr.state.bits()) << STATE_SHIFT
}

/// The list register an `ICH_LR<n>_EL2` value describes.
pub fn decode(value: u64) -> ListRegister {
    let hw = value & HW != 0;
    ListRegister {
        vintid: value as u32,
        pintid: hw.then_some(((value >> PINTID_SHIFT) & PINTID_MASK) as u32),
        priority: (value >> PRIORITY_SHIFT) as u8,
        group: if value & GROUP != 0 {
            Group::G1
        } else {
            Group::G0
        },
        state: LrState::from_bits((value >> STATE_SHIFT) as u8),
        eoi_maintenance: !hw && value & EOI != 0,
        source_cpu: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lr() -> ListRegister {
        ListRegister {
            vintid: 8192,
            pintid: None,
            priority: 0xa5,
            group: Group::G1,
            state: LrState::Pending,
            eoi_maintenance: false,
            source_cpu: 0,
        }
    }

    fn round_trip(lr: ListRegister) -> ListRegister {
        decode(encode(&lr))
    }

    #[test]
    fn vintid_is_bits_31_to_0() {
        let l = ListRegister {
            vintid: u32::MAX,
            ..lr()
        };
        assert_eq!(encode(&l) as u32, u32::MAX);
        assert_eq!(round_trip(l).vintid, u32::MAX);
    }

    #[test]
    fn priority_keeps_all_eight_bits_at_55_48() {
        for p in 0..=255u8 {
            let l = ListRegister {
                priority: p,
                ..lr()
            };
            assert_eq!((encode(&l) >> 48) as u8, p);
            assert_eq!(round_trip(l).priority, p);
        }
    }

    #[test]
    fn state_is_bits_63_62() {
        for s in [
            LrState::Invalid,
            LrState::Pending,
            LrState::Active,
            LrState::ActivePending,
        ] {
            let l = ListRegister { state: s, ..lr() };
            assert_eq!((encode(&l) >> 62) as u8, s.bits());
            assert_eq!(round_trip(l).state, s);
        }
    }

    #[test]
    fn group_is_bit_60_and_hw_bit_61() {
        assert_eq!(encode(&lr()) >> 60 & 3, 0b01);
        let g0 = ListRegister {
            group: Group::G0,
            ..lr()
        };
        assert_eq!(round_trip(g0).group, Group::G0);
        let hw = ListRegister {
            pintid: Some(27),
            ..lr()
        };
        assert_eq!(encode(&hw) >> 60 & 3, 0b11);
    }

    #[test]
    fn pintid_is_bits_44_to_32_with_hw() {
        let l = ListRegister {
            pintid: Some(0x1fff),
            ..lr()
        };
        assert_eq!(encode(&l) >> 32 & 0x1fff, 0x1fff);
        assert_eq!(round_trip(l), l);
    }

    #[test]
    fn eoi_is_bit_41_without_hw() {
        let l = ListRegister {
            eoi_maintenance: true,
            ..lr()
        };
        assert_eq!(encode(&l), encode(&lr()) | 1 << 41);
        assert_eq!(round_trip(l), l);
        let hw = ListRegister {
            pintid: Some(30),
            eoi_maintenance: true,
            ..lr()
        };
        assert!(!round_trip(hw).eoi_maintenance);
    }

    #[test]
    fn source_cpu_has_no_field() {
        let l = ListRegister {
            source_cpu: 3,
            ..lr()
        };
        assert_eq!(encode(&l), encode(&lr()));
    }
}
