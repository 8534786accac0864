//! Distributor registers (IHI 0048B §4.3, IHI 0069H §12.9).

use super::IrqBank;

/// GICD_CTLR: Distributor Control Register.
pub const CTLR: u32 = 0x000;
/// GICD_TYPER: Interrupt Controller Type Register (RO).
pub const TYPER: u32 = 0x004;
/// GICD_IIDR: Distributor Implementer Identification Register (RO).
pub const IIDR: u32 = 0x008;
/// GICD_SGIR: Software Generated Interrupt Register (GICv2, WO).
pub const SGIR: u32 = 0xf00;
/// GICD_PIDR2: Peripheral ID2 (GICv3 layout: ArchRev in bits [7:4]).
pub const PIDR2_V3: u32 = 0xffe8;
/// ICPIDR2 on GICv2 (same field, different offset).
pub const PIDR2_V2: u32 = 0xfe8;
/// GICD_IROUTER<n> base (GICv3, 64-bit, n = INTID, 32..1019).
pub const IROUTER: u32 = 0x6000;

/// GICD_IGROUPR<n>.
pub const IGROUPR: IrqBank = IrqBank {
    name: "GICD_IGROUPR",
    base: 0x080,
    bits: 1,
    len: 0x80,
};
/// GICD_ISENABLER<n>.
pub const ISENABLER: IrqBank = IrqBank {
    name: "GICD_ISENABLER",
    base: 0x100,
    bits: 1,
    len: 0x80,
};
/// GICD_ICENABLER<n>.
pub const ICENABLER: IrqBank = IrqBank {
    name: "GICD_ICENABLER",
    base: 0x180,
    bits: 1,
    len: 0x80,
};
/// GICD_ISPENDR<n>.
pub const ISPENDR: IrqBank = IrqBank {
    name: "GICD_ISPENDR",
    base: 0x200,
    bits: 1,
    len: 0x80,
};
/// GICD_ICPENDR<n>.
pub const ICPENDR: IrqBank = IrqBank {
    name: "GICD_ICPENDR",
    base: 0x280,
    bits: 1,
    len: 0x80,
};
/// GICD_ISACTIVER<n>.
pub const ISACTIVER: IrqBank = IrqBank {
    name: "GICD_ISACTIVER",
    base: 0x300,
    bits: 1,
    len: 0x80,
};
/// GICD_ICACTIVER<n>.
pub const ICACTIVER: IrqBank = IrqBank {
    name: "GICD_ICACTIVER",
    base: 0x380,
    bits: 1,
    len: 0x80,
};
/// GICD_IPRIORITYR<n> (byte-accessible).
pub const IPRIORITYR: IrqBank = IrqBank {
    name: "GICD_IPRIORITYR",
    base: 0x400,
    bits: 8,
    len: 0x3fc,
};
/// GICD_ITARGETSR<n> (GICv2, byte-accessible).
pub const ITARGETSR: IrqBank = IrqBank {
    name: "GICD_ITARGETSR",
    base: 0x800,
    bits: 8,
    len: 0x3fc,
};
/// GICD_CPENDSGIR<n> (GICv2): clear SGI pending state, one byte per SGI, one bit per source
/// CPU (IHI 0048B §4.3.16).
pub const CPENDSGIR: IrqBank = IrqBank {
    name: "GICD_CPENDSGIR",
    base: 0xf10,
    bits: 8,
    len: 0x10,
};
/// GICD_SPENDSGIR<n> (GICv2): set SGI pending state per source CPU (IHI 0048B §4.3.17).
pub const SPENDSGIR: IrqBank = IrqBank {
    name: "GICD_SPENDSGIR",
    base: 0xf20,
    bits: 8,
    len: 0x10,
};
/// GICD_ICFGR<n>.
pub const ICFGR: IrqBank = IrqBank {
    name: "GICD_ICFGR",
    base: 0xc00,
    bits: 2,
    len: 0x100,
};

const FIXED: &[(u32, &str)] = &[
    (CTLR, "GICD_CTLR"),
    (TYPER, "GICD_TYPER"),
    (IIDR, "GICD_IIDR"),
    (SGIR, "GICD_SGIR"),
    (PIDR2_V3, "GICD_PIDR2"),
    (PIDR2_V2, "ICPIDR2"),
];

const BANKS: &[IrqBank] = &[
    IGROUPR, ISENABLER, ICENABLER, ISPENDR, ICPENDR, ISACTIVER, ICACTIVER, IPRIORITYR, ITARGETSR,
    ICFGR, CPENDSGIR, SPENDSGIR,
];

/// Writes the name of the distributor register at `offset`.
pub fn name(offset: u32, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
    if (IROUTER..IROUTER + 8 * 1020).contains(&offset) {
        return write!(out, "GICD_IROUTER{}", (offset - IROUTER) / 8);
    }
    super::name_in(FIXED, BANKS, "GICD", offset, out)
}

bitflags::bitflags! {
    /// GICD_CTLR with one security state (GICv3 DS = 1, IHI 0069H §12.9.4; GICv2 without the
    /// Security Extensions, IHI 0048B §4.3.1).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Ctlr: u32 {
        /// EnableGrp0 (GICv2: Enable).
        const ENABLE_GRP0 = 1 << 0;
        /// EnableGrp1.
        const ENABLE_GRP1 = 1 << 1;
        /// ARE: affinity routing enable (GICv3).
        const ARE = 1 << 4;
        /// DS: disable security (GICv3).
        const DS = 1 << 6;
        /// RWP: register write pending (GICv3, RO).
        const RWP = 1 << 31;
    }
}

/// GICD_TYPER (IHI 0048B §4.3.2, IHI 0069H §12.9.38).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Typer(pub u32);

impl Typer {
    /// ITLinesNumber, bits [4:0]: the distributor implements 32 * (N + 1) INTIDs.
    pub const fn it_lines_number(self) -> u32 {
        self.0 & 0x1f
    }
    /// CPUNumber, bits [7:5]: number of CPU interfaces minus one (GICv2; GICv3 with ARE = 0).
    pub const fn cpu_number(self) -> u32 {
        (self.0 >> 5) & 0x7
    }
    /// SecurityExtn, bit 10.
    pub const fn security_extn(self) -> bool {
        self.0 & (1 << 10) != 0
    }
    /// IDbits, bits [23:19] (GICv3): INTID bits minus one.
    pub const fn id_bits(self) -> u32 {
        (self.0 >> 19) & 0x1f
    }
    /// LPIS, bit 17 (GICv3).
    pub const fn lpis(self) -> bool {
        self.0 & (1 << 17) != 0
    }
}

/// GICD_SGIR (GICv2, IHI 0048B §4.3.15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sgir(pub u32);

impl Sgir {
    /// TargetListFilter = 0b10: forward to the requesting CPU only.
    pub const fn to_self(sgi: u32) -> Sgir {
        Sgir((0b10 << 24) | (sgi & 0xf))
    }
    /// TargetListFilter = 0b01: forward to every CPU but the requesting one.
    pub const fn to_all_but_self(sgi: u32) -> Sgir {
        Sgir((0b01 << 24) | (sgi & 0xf))
    }
    /// TargetListFilter = 0b00: forward to the CPUs in `targets`.
    pub const fn to_list(sgi: u32, targets: u8) -> Sgir {
        Sgir(((targets as u32) << 16) | (sgi & 0xf))
    }
}
