//! GICv2 CPU interface registers (IHI 0048B §4.4).

/// GICC_CTLR.
pub const CTLR: u32 = 0x00;
/// GICC_PMR: priority mask.
pub const PMR: u32 = 0x04;
/// GICC_BPR: binary point.
pub const BPR: u32 = 0x08;
/// GICC_IAR: acknowledge (RO).
pub const IAR: u32 = 0x0c;
/// GICC_EOIR: end of interrupt (WO).
pub const EOIR: u32 = 0x10;
/// GICC_RPR: running priority (RO).
pub const RPR: u32 = 0x14;
/// GICC_HPPIR: highest priority pending (RO).
pub const HPPIR: u32 = 0x18;
/// GICC_APR0: active priorities.
pub const APR0: u32 = 0xd0;
/// GICC_IIDR (RO).
pub const IIDR: u32 = 0xfc;
/// GICC_DIR: deactivate (WO), in the second 4 KiB page.
pub const DIR: u32 = 0x1000;

const FIXED: &[(u32, &str)] = &[
    (CTLR, "GICC_CTLR"),
    (PMR, "GICC_PMR"),
    (BPR, "GICC_BPR"),
    (IAR, "GICC_IAR"),
    (EOIR, "GICC_EOIR"),
    (RPR, "GICC_RPR"),
    (HPPIR, "GICC_HPPIR"),
    (APR0, "GICC_APR0"),
    (IIDR, "GICC_IIDR"),
    (DIR, "GICC_DIR"),
];

/// Writes the name of the CPU interface register at `offset`.
pub fn name(offset: u32, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
    super::name_in(FIXED, &[], "GICC", offset, out)
}

bitflags::bitflags! {
    /// GICC_CTLR without the Security Extensions (IHI 0048B §4.4.1, table 4-31).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Ctlr: u32 {
        /// EnableGrp0.
        const ENABLE_GRP0 = 1 << 0;
        /// EnableGrp1.
        const ENABLE_GRP1 = 1 << 1;
        /// EOImode: EOIR only drops priority; GICC_DIR deactivates.
        const EOI_MODE = 1 << 9;
    }
}

/// GICC_IAR / GICC_HPPIR (IHI 0048B §4.4.4): interrupt ID and, for SGIs, the source CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Iar(pub u32);

impl Iar {
    /// InterruptID, bits [9:0].
    pub const fn intid(self) -> crate::IntId {
        crate::IntId::from_raw(self.0 & 0x3ff)
    }
    /// CPUID, bits [12:10]: the CPU that requested an SGI.
    pub const fn source_cpu(self) -> u32 {
        (self.0 >> 10) & 0x7
    }
}
