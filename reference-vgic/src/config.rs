//! The shape of the modelled GIC: version, CPUs, interrupt lines, priority bits, IIDR.
//!
//! Invariants (established by [`GicConfig::normalized`], which [`crate::Gic::new`] applies):
//! - `1 <= cpus`, and `cpus <= 8` on GICv2 (GICD_TYPER.CPUNumber is 3 bits and GICD_ITARGETSR
//!   has 8 target bits, IHI 0048B §4.3.2, §4.3.12);
//! - `it_lines <= 31` (GICD_TYPER.ITLinesNumber is 5 bits, IHI 0048B §4.3.2, IHI 0069H §12.9 GICD_TYPER);
//! - `4 <= pri_bits <= 8` (at least 16 priority levels, IHI 0048B §3.3, IHI 0069H §4.8).

/// The GIC architecture version the model presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// GICv2 without the Security Extensions (IHI 0048B): memory-mapped GICD + GICC.
    V2,
    /// GICv3 with `GICD_CTLR.DS == 1` (one Security state) and affinity routing always on
    /// (IHI 0069H): GICD + GICR frames + ICC_* system registers.
    V3,
}

/// A CPU (PE) index. On GICv3 its affinity is `0.0.0.<index>` (Aff3.Aff2.Aff1.Aff0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct CpuId(pub u8);

/// irqsuite's implementation-defined IIDR value: Implementer 0x43b (the JEP106 code of Arm),
/// revision, variant and product ID 0. Used for GICD_IIDR and GICR_IIDR as is; GICC_IIDR
/// additionally carries ArchVersion = 2 in bits [19:16] (IHI 0048B §4.4.16).
pub const DEFAULT_IIDR: u32 = 0x0000_043b;

/// The machine shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GicConfig {
    /// GIC architecture version.
    pub version: Version,
    /// Number of CPUs (PEs) with a CPU interface / redistributor.
    pub cpus: u8,
    /// GICD_TYPER.ITLinesNumber: INTIDs `0 .. 32 * (it_lines + 1)` exist, capped at 1020.
    pub it_lines: u8,
    /// Implemented priority bits, 4..=8: only the top `pri_bits` bits of a priority are stored.
    pub pri_bits: u8,
    /// The GICD_IIDR / GICR_IIDR / GICC_IIDR value: implementation defined.
    pub iidr: u32,
}

impl GicConfig {
    /// A configuration with irqsuite's IIDR ([`DEFAULT_IIDR`]).
    pub fn new(version: Version, cpus: u8, it_lines: u8, pri_bits: u8) -> Self {
        GicConfig {
            version,
            cpus,
            it_lines,
            pri_bits,
            iidr: DEFAULT_IIDR,
        }
        .normalized()
    }

    /// The same configuration clamped into the architectural ranges listed in the module doc.
    pub fn normalized(self) -> Self {
        let max_cpus = match self.version {
            Version::V2 => 8,
            Version::V3 => u8::MAX,
        };
        GicConfig {
            cpus: self.cpus.clamp(1, max_cpus),
            it_lines: self.it_lines.min(31),
            pri_bits: self.pri_bits.clamp(4, 8),
            ..self
        }
    }

    /// Number of INTIDs that exist: `32 * (it_lines + 1)`, capped at 1020 (1020..1023 are
    /// special INTIDs, IHI 0048B §3.2.5 / IHI 0069H §2.2.1).
    pub fn nr_irqs(&self) -> u32 {
        (32 * (u32::from(self.it_lines) + 1)).min(1020)
    }

    /// Mask of the implemented priority bits within an 8-bit priority field.
    pub fn priority_mask(&self) -> u8 {
        0xffu8 << (8 - u32::from(self.pri_bits))
    }

    /// The minimum Group 0 binary point (GICC_BPR / ICC_BPR0_EL1): the value at which every
    /// implemented priority bit is group priority, `7 - pri_bits` saturating at 0
    /// (IHI 0048B §3.3.3 and §4.4.3; IHI 0069H §4.8.3 and ICC_BPR0_EL1).
    pub fn min_bpr0(&self) -> u8 {
        7u8.saturating_sub(self.pri_bits)
    }
}
