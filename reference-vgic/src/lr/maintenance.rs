//! The hypervisor control register and the maintenance interrupt conditions, as pure functions
//! of the list registers, GICH_HCR / ICH_HCR_EL2 and the virtual group enables
//! (IHI 0048B §5.3.2 GICH_HCR, §5.3.5 GICH_MISR, §5.3.6 GICH_EISRn, §5.3.7 GICH_ELRSRn;
//! IHI 0069H §12.4 ICH_HCR_EL2, ICH_MISR_EL2, ICH_EISR_EL2, ICH_ELRSR_EL2).
//!
//! Invariants:
//! - [`misr`] reads state and never changes it; the virtual CPU interface and a hypervisor
//!   that wants to know "would the maintenance interrupt fire now" both call it.
//! - The maintenance interrupt is asserted only while `hcr.en` is set and some MISR bit is
//!   ([`Misr::asserted`]; irqsuite's reading of GICH_HCR.En "global enable for the virtual CPU
//!   interface", which also gates its maintenance interrupt).
//! - NP counts a list register as pending only in the Pending state: an active-and-pending
//!   register cannot be acknowledged (irqsuite's reading of "no List register is in the
//!   pending state").

use super::ListRegister;

/// GICH_HCR / ICH_HCR_EL2: the controls the hypervisor writes before entering the guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Hcr {
    /// En \[0\]: the virtual CPU interface is enabled.
    pub en: bool,
    /// UIE \[1\]: underflow maintenance interrupt (at most one valid list register).
    pub uie: bool,
    /// LRENPIE \[2\]: maintenance interrupt while EOIcount is not 0.
    pub lrenpie: bool,
    /// NPIE \[3\]: maintenance interrupt while no list register is pending.
    pub npie: bool,
    /// VGrp0EIE \[4\]: maintenance interrupt while virtual Group 0 is enabled.
    pub vgrp0eie: bool,
    /// VGrp0DIE \[5\]: maintenance interrupt while virtual Group 0 is disabled.
    pub vgrp0die: bool,
    /// VGrp1EIE \[6\]: maintenance interrupt while virtual Group 1 is enabled.
    pub vgrp1eie: bool,
    /// VGrp1DIE \[7\]: maintenance interrupt while virtual Group 1 is disabled.
    pub vgrp1die: bool,
    /// ICH_HCR_EL2.TDIR \[14\] (FEAT_GICv3_TDIR): guest writes to the DIR register trap to the
    /// hypervisor. GICH_HCR has no such bit: a GICv2 hypervisor gets the same effect by not
    /// mapping the GICV_DIR page (offset 0x1000) into the guest's stage 2.
    pub tdir: bool,
    /// EOIcount \[31:27\]: deactivating writes that found no list register (5 bits).
    pub eoi_count: u8,
}

const EN: u32 = 1 << 0;
const UIE: u32 = 1 << 1;
const LRENPIE: u32 = 1 << 2;
const NPIE: u32 = 1 << 3;
const VGRP0EIE: u32 = 1 << 4;
const VGRP0DIE: u32 = 1 << 5;
const VGRP1EIE: u32 = 1 << 6;
const VGRP1DIE: u32 = 1 << 7;
const TDIR: u64 = 1 << 14;
const EOICOUNT_SHIFT: u32 = 27;

impl Hcr {
    fn low_bits(&self) -> u32 {
        [
            (self.en, EN),
            (self.uie, UIE),
            (self.lrenpie, LRENPIE),
            (self.npie, NPIE),
            (self.vgrp0eie, VGRP0EIE),
            (self.vgrp0die, VGRP0DIE),
            (self.vgrp1eie, VGRP1EIE),
            (self.vgrp1die, VGRP1DIE),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0, |acc, (_, bit)| acc | bit)
            | u32::from(self.eoi_count & 0x1f) << EOICOUNT_SHIFT
    }

    fn from_low_bits(v: u32) -> Hcr {
        Hcr {
            en: v & EN != 0,
            uie: v & UIE != 0,
            lrenpie: v & LRENPIE != 0,
            npie: v & NPIE != 0,
            vgrp0eie: v & VGRP0EIE != 0,
            vgrp0die: v & VGRP0DIE != 0,
            vgrp1eie: v & VGRP1EIE != 0,
            vgrp1die: v & VGRP1DIE != 0,
            tdir: false,
            eoi_count: (v >> EOICOUNT_SHIFT) as u8 & 0x1f,
        }
    }

    /// The GICH_HCR value (IHI 0048B §5.3.2); `tdir` has no bit there.
    pub fn to_gich_hcr(&self) -> u32 {
        self.low_bits()
    }

    /// The controls a GICH_HCR value holds.
    pub fn from_gich_hcr(value: u32) -> Hcr {
        Hcr::from_low_bits(value)
    }

    /// The ICH_HCR_EL2 value (IHI 0069H §12.4 ICH_HCR_EL2).
    pub fn to_ich_hcr_el2(&self) -> u64 {
        u64::from(self.low_bits()) | if self.tdir { TDIR } else { 0 }
    }

    /// The controls an ICH_HCR_EL2 value holds (the trap bits other than TDIR are dropped).
    pub fn from_ich_hcr_el2(value: u64) -> Hcr {
        Hcr {
            tdir: value & TDIR != 0,
            ..Hcr::from_low_bits(value as u32)
        }
    }
}

/// GICH_MISR / ICH_MISR_EL2: which maintenance conditions hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Misr {
    /// EOI \[0\]: some list register has an EOI maintenance interrupt outstanding (EISR != 0).
    pub eoi: bool,
    /// U \[1\]: UIE and at most one valid list register.
    pub underflow: bool,
    /// LRENP \[2\]: LRENPIE and EOIcount != 0.
    pub lrenp: bool,
    /// NP \[3\]: NPIE and no list register in the Pending state.
    pub np: bool,
    /// VGrp0E \[4\]: VGrp0EIE and virtual Group 0 enabled.
    pub vgrp0e: bool,
    /// VGrp0D \[5\]: VGrp0DIE and virtual Group 0 disabled.
    pub vgrp0d: bool,
    /// VGrp1E \[6\]: VGrp1EIE and virtual Group 1 enabled.
    pub vgrp1e: bool,
    /// VGrp1D \[7\]: VGrp1DIE and virtual Group 1 disabled.
    pub vgrp1d: bool,
}

impl Misr {
    /// The register value (the same bit positions in GICH_MISR and ICH_MISR_EL2).
    pub fn bits(&self) -> u32 {
        [
            self.eoi,
            self.underflow,
            self.lrenp,
            self.np,
            self.vgrp0e,
            self.vgrp0d,
            self.vgrp1e,
            self.vgrp1d,
        ]
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .fold(0, |acc, (i, _)| acc | 1 << i)
    }

    /// Is the maintenance interrupt asserted under `hcr`?
    pub fn asserted(&self, hcr: &Hcr) -> bool {
        hcr.en && self.bits() != 0
    }
}

/// GICH_EISRn / ICH_EISR_EL2: bit `n` set when list register `n` has an EOI maintenance
/// interrupt outstanding ([`ListRegister::eoi_outstanding`]). At most 64 list registers.
pub fn eisr(lrs: &[ListRegister]) -> u64 {
    status(lrs, ListRegister::eoi_outstanding)
}

/// GICH_ELRSRn / ICH_ELRSR_EL2: bit `n` set when list register `n` is empty
/// ([`ListRegister::is_empty`]).
pub fn elrsr(lrs: &[ListRegister]) -> u64 {
    status(lrs, ListRegister::is_empty)
}

fn status(lrs: &[ListRegister], f: fn(&ListRegister) -> bool) -> u64 {
    lrs.iter()
        .take(64)
        .enumerate()
        .filter(|(_, lr)| f(lr))
        .fold(0, |acc, (i, _)| acc | 1 << i)
}

/// The maintenance conditions for `lrs` under `hcr`, with the guest's virtual group enables
/// `vgrp_enabled` (GICH_VMCR.VMGrp0En/VMGrp1En, ICH_VMCR_EL2.VENG0/VENG1).
pub fn misr(lrs: &[ListRegister], hcr: &Hcr, vgrp_enabled: [bool; 2]) -> Misr {
    let valid = lrs.iter().filter(|lr| lr.is_valid()).count();
    let pending = lrs.iter().any(|lr| lr.state == super::LrState::Pending);
    Misr {
        eoi: eisr(lrs) != 0,
        underflow: hcr.uie && valid <= 1,
        lrenp: hcr.lrenpie && hcr.eoi_count != 0,
        np: hcr.npie && !pending,
        vgrp0e: hcr.vgrp0eie && vgrp_enabled[0],
        vgrp0d: hcr.vgrp0die && !vgrp_enabled[0],
        vgrp1e: hcr.vgrp1eie && vgrp_enabled[1],
        vgrp1d: hcr.vgrp1die && !vgrp_enabled[1],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irq::Group;
    use crate::lr::LrState;

    fn lr(state: LrState) -> ListRegister {
        ListRegister {
            vintid: 40,
            state,
            group: Group::G1,
            ..ListRegister::CLEARED
        }
    }

    #[test]
    fn hcr_round_trips_through_both_encodings() {
        let hcr = Hcr {
            en: true,
            uie: true,
            npie: true,
            vgrp1die: true,
            tdir: true,
            eoi_count: 31,
            ..Hcr::default()
        };
        assert_eq!(hcr.to_gich_hcr(), 0b1000_1011 | 31 << 27);
        assert_eq!(Hcr::from_ich_hcr_el2(hcr.to_ich_hcr_el2()), hcr);
        assert_eq!(
            Hcr::from_gich_hcr(hcr.to_gich_hcr()),
            Hcr { tdir: false, ..hcr }
        );
    }

    #[test]
    fn underflow_holds_with_at_most_one_valid_lr() {
        let hcr = Hcr {
            en: true,
            uie: true,
            ..Hcr::default()
        };
        let two = [lr(LrState::Pending), lr(LrState::Active)];
        assert!(!misr(&two, &hcr, [true; 2]).underflow);
        let one = [lr(LrState::Pending), lr(LrState::Invalid)];
        assert!(misr(&one, &hcr, [true; 2]).underflow);
        assert_eq!(misr(&one, &hcr, [true; 2]).bits(), 0b10);
    }

    #[test]
    fn no_pending_ignores_active_and_pending() {
        let hcr = Hcr {
            en: true,
            npie: true,
            ..Hcr::default()
        };
        assert!(misr(&[lr(LrState::ActivePending)], &hcr, [true; 2]).np);
        assert!(!misr(&[lr(LrState::Pending)], &hcr, [true; 2]).np);
    }

    #[test]
    fn eoi_maintenance_needs_an_invalid_software_lr_with_the_eoi_bit() {
        let eoi = ListRegister {
            eoi_maintenance: true,
            ..lr(LrState::Invalid)
        };
        let hw = ListRegister {
            pintid: Some(27),
            ..eoi
        };
        let active = ListRegister {
            state: LrState::Active,
            ..eoi
        };
        assert_eq!(eisr(&[active, eoi, hw]), 0b010);
        assert_eq!(elrsr(&[active, eoi, hw]), 0b100);
        let hcr = Hcr {
            en: true,
            ..Hcr::default()
        };
        assert!(misr(&[eoi], &hcr, [true; 2]).asserted(&hcr));
        assert!(!misr(&[eoi], &Hcr::default(), [true; 2]).asserted(&Hcr::default()));
    }

    #[test]
    fn lrenp_follows_eoicount() {
        let hcr = Hcr {
            en: true,
            lrenpie: true,
            eoi_count: 1,
            ..Hcr::default()
        };
        assert!(misr(&[], &hcr, [true; 2]).lrenp);
        assert!(
            !misr(
                &[],
                &Hcr {
                    eoi_count: 0,
                    ..hcr
                },
                [true; 2]
            )
            .lrenp
        );
    }

    #[test]
    fn group_enable_conditions_follow_the_virtual_enables() {
        let hcr = Hcr {
            en: true,
            vgrp0eie: true,
            vgrp1die: true,
            ..Hcr::default()
        };
        let m = misr(&[], &hcr, [true, false]);
        assert!(m.vgrp0e && m.vgrp1d && !m.vgrp0d && !m.vgrp1e);
    }
}
