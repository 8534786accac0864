//! Redistributor registers (IHI 0069H §12.10): RD_base and SGI_base frames.

use super::IrqBank;
use crate::RdFrame;

/// GICR_CTLR (RD_base).
pub const CTLR: u32 = 0x0000;
/// GICR_IIDR (RD_base).
pub const IIDR: u32 = 0x0004;
/// GICR_TYPER (RD_base, 64-bit).
pub const TYPER: u32 = 0x0008;
/// GICR_WAKER (RD_base).
pub const WAKER: u32 = 0x0014;
/// GICR_PROPBASER (RD_base, 64-bit): the LPI configuration table.
pub const PROPBASER: u32 = 0x0070;
/// GICR_PENDBASER (RD_base, 64-bit): this redistributor's LPI pending table.
pub const PENDBASER: u32 = 0x0078;
/// GICR_CTLR.EnableLPIs.
pub const CTLR_ENABLE_LPIS: u32 = 1 << 0;
/// GICR_PIDR2 (RD_base).
pub const PIDR2: u32 = 0xffe8;

/// GICR_IGROUPR0 (SGI_base).
pub const IGROUPR0: IrqBank = IrqBank {
    name: "GICR_IGROUPR",
    base: 0x080,
    bits: 1,
    len: 4,
};
/// GICR_ISENABLER0.
pub const ISENABLER0: IrqBank = IrqBank {
    name: "GICR_ISENABLER",
    base: 0x100,
    bits: 1,
    len: 4,
};
/// GICR_ICENABLER0.
pub const ICENABLER0: IrqBank = IrqBank {
    name: "GICR_ICENABLER",
    base: 0x180,
    bits: 1,
    len: 4,
};
/// GICR_ISPENDR0.
pub const ISPENDR0: IrqBank = IrqBank {
    name: "GICR_ISPENDR",
    base: 0x200,
    bits: 1,
    len: 4,
};
/// GICR_ICPENDR0.
pub const ICPENDR0: IrqBank = IrqBank {
    name: "GICR_ICPENDR",
    base: 0x280,
    bits: 1,
    len: 4,
};
/// GICR_ISACTIVER0.
pub const ISACTIVER0: IrqBank = IrqBank {
    name: "GICR_ISACTIVER",
    base: 0x300,
    bits: 1,
    len: 4,
};
/// GICR_ICACTIVER0.
pub const ICACTIVER0: IrqBank = IrqBank {
    name: "GICR_ICACTIVER",
    base: 0x380,
    bits: 1,
    len: 4,
};
/// GICR_IPRIORITYR<n>, n = 0..7.
pub const IPRIORITYR: IrqBank = IrqBank {
    name: "GICR_IPRIORITYR",
    base: 0x400,
    bits: 8,
    len: 0x20,
};
/// GICR_ICFGR<n>, n = 0..1.
pub const ICFGR: IrqBank = IrqBank {
    name: "GICR_ICFGR",
    base: 0xc00,
    bits: 2,
    len: 8,
};

const RD_FIXED: &[(u32, &str)] = &[
    (CTLR, "GICR_CTLR"),
    (IIDR, "GICR_IIDR"),
    (TYPER, "GICR_TYPER"),
    (TYPER + 4, "GICR_TYPER[63:32]"),
    (WAKER, "GICR_WAKER"),
    (PROPBASER, "GICR_PROPBASER"),
    (PENDBASER, "GICR_PENDBASER"),
    (PIDR2, "GICR_PIDR2"),
];

const SGI_BANKS: &[IrqBank] = &[
    IGROUPR0, ISENABLER0, ICENABLER0, ISPENDR0, ICPENDR0, ISACTIVER0, ICACTIVER0, IPRIORITYR, ICFGR,
];

/// Writes the name of the redistributor register at `offset` in `frame`.
pub fn name(frame: RdFrame, offset: u32, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
    match frame {
        RdFrame::Rd => super::name_in(RD_FIXED, &[], "GICR", offset, out),
        RdFrame::Sgi => super::name_in(&[], SGI_BANKS, "GICR_SGI", offset, out),
    }
}

bitflags::bitflags! {
    /// GICR_WAKER (IHI 0069H §12.11.44).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Waker: u32 {
        /// ProcessorSleep.
        const PROCESSOR_SLEEP = 1 << 1;
        /// ChildrenAsleep (RO).
        const CHILDREN_ASLEEP = 1 << 2;
    }
}

/// GICR_TYPER (IHI 0069H §12.11.40), 64-bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Typer(pub u64);

impl Typer {
    /// Affinity_Value, bits [63:32]: Aff3.Aff2.Aff1.Aff0 of the PE this redistributor serves.
    pub const fn affinity(self) -> u32 {
        (self.0 >> 32) as u32
    }
    /// Processor_Number, bits [23:8].
    pub const fn processor_number(self) -> u32 {
        ((self.0 >> 8) & 0xffff) as u32
    }
    /// Last, bit 4: the last redistributor of a contiguous region.
    pub const fn last(self) -> bool {
        self.0 & (1 << 4) != 0
    }
    /// VLPIS, bit 1: the redistributor has the GICv4 vLPI frames (four 64 KiB frames, not two).
    pub const fn vlpis(self) -> bool {
        self.0 & (1 << 1) != 0
    }
}
