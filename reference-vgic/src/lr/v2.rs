//! `GICH_LR<n>`, the GICv2 list register (IHI 0048B §5.3.9).
//!
//! Layout: VirtualID \[9:0\]; PhysicalID \[19:10\], which with HW = 1 is the physical INTID
//! and with HW = 0 holds EOI \[19\] and, for SGIs, CPUID \[12:10\]; Priority \[27:23\]
//! (the top 5 bits of the 8-bit priority); State \[29:28\]; Grp1 \[30\]; HW \[31\].
//!
//! Invariants: `decode(encode(lr))` returns `lr` with the priority's low 3 bits cleared, the
//! VirtualID/PhysicalID cut to 10 bits and the CPUID to 3; with HW = 1 the EOI bit and the
//! source CPU are dropped (they share bits with PhysicalID).

use super::{ListRegister, LrState};
use crate::irq::Group;

const ID_MASK: u32 = 0x3ff;
const PHYS_SHIFT: u32 = 10;
const EOI: u32 = 1 << 19;
const PRIORITY_SHIFT: u32 = 23;
const STATE_SHIFT: u32 = 28;
const GRP1: u32 = 1 << 30;
const HW: u32 = 1 << 31;

/// The GICH_LR value for `lr`.
pub fn encode(lr: &ListRegister) -> u32 {
    let physical = match lr.pintid {
        Some(p) => HW | (p & ID_MASK) << PHYS_SHIFT,
        None => {
            let eoi = if lr.eoi_maintenance { EOI } else { 0 };
            eoi | u32::from(lr.source_cpu & 7) << PHYS_SHIFT
        }
    };
    let grp1 = if lr.group == Group::G1 { GRP1 } else { 0 };
    (lr.vintid & ID_MASK)
        | physical
        | u32::from(lr.priority >> 3) << PRIORITY_SHIFT
        | u32::from(lr.state.bits()) << STATE_SHIFT
        | grp1
}

/// The list register a GICH_LR value describes.
pub fn decode(value: u32) -> ListRegister {
    let hw = value & HW != 0;
    let physical = (value >> PHYS_SHIFT) & ID_MASK;
    ListRegister {
        vintid: value & ID_MASK,
        pintid: hw.then_some(physical),
        priority: (((value >> PRIORITY_SHIFT) & 0x1f) as u8) << 3,
        group: if value & GRP1 != 0 {
            Group::G1
        } else {
            Group::G0
        },
        state: LrState::from_bits((value >> STATE_SHIFT) as u8),
        eoi_maintenance: !hw && value & EOI != 0,
        source_cpu: if hw { 0 } else { (physical & 7) as u8 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lr() -> ListRegister {
        ListRegister {
            vintid: 42,
            pintid: None,
            priority: 0xa8,
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
    fn virtual_id_is_bits_9_to_0() {
        let l = ListRegister {
            vintid: 0x3ff,
            ..lr()
        };
        assert_eq!(encode(&l) & 0x3ff, 0x3ff);
        assert_eq!(round_trip(l).vintid, 0x3ff);
    }

    #[test]
    fn gicv2_lr_keeps_only_five_priority_bits() {
        let l = ListRegister {
            priority: 0xff,
            ..lr()
        };
        assert_eq!(encode(&l) >> 23 & 0x1f, 0x1f);
        assert_eq!(round_trip(l).priority, 0xf8);
        for p in (0..=255u8).step_by(8) {
            assert_eq!(
                round_trip(ListRegister {
                    priority: p,
                    ..lr()
                })
                .priority,
                p
            );
        }
    }

    #[test]
    fn every_state_round_trips_at_bits_29_28() {
        for (s, bits) in [
            (LrState::Invalid, 0),
            (LrState::Pending, 1),
            (LrState::Active, 2),
            (LrState::ActivePending, 3),
        ] {
            let l = ListRegister { state: s, ..lr() };
            assert_eq!(encode(&l) >> 28 & 3, bits);
            assert_eq!(round_trip(l).state, s);
        }
    }

    #[test]
    fn grp1_is_bit_30() {
        assert_eq!(encode(&lr()) & 1 << 30, 1 << 30);
        let g0 = ListRegister {
            group: Group::G0,
            ..lr()
        };
        assert_eq!(encode(&g0) & 1 << 30, 0);
        assert_eq!(round_trip(g0).group, Group::G0);
    }

    #[test]
    fn hw_puts_the_physical_id_in_bits_19_to_10() {
        let l = ListRegister {
            pintid: Some(0x3ff),
            ..lr()
        };
        let v = encode(&l);
        assert_eq!(v >> 31, 1);
        assert_eq!(v >> 10 & 0x3ff, 0x3ff);
        assert_eq!(round_trip(l), l);
    }

    #[test]
    fn eoi_is_bit_19_and_cpuid_bits_12_to_10_without_hw() {
        let l = ListRegister {
            vintid: 3,
            eoi_maintenance: true,
            source_cpu: 5,
            ..lr()
        };
        let v = encode(&l);
        assert_eq!(v & 1 << 19, 1 << 19);
        assert_eq!(v >> 10 & 7, 5);
        assert_eq!(round_trip(l), l);
    }
}
