//! The shape of the modelled GIC: version, CPUs, interrupt lines, priority bits, IIDR.
//!
//! Invariants (established by [`GicConfig::normalized`], which [`crate::Gic::new`] applies):
//! - `1 <= cpus`, and `cpus <= 8` on GICv2 (GICD_TYPER.CPUNumber is 3 bits and GICD_ITARGETSR
//!   has 8 target bits, IHI 0048B §4.3.2, §4.3.12);
//! - `it_lines <= 31` (GICD_TYPER.ITLinesNumber is 5 bits, IHI 0048B §4.3.2, IHI 0069H §12.9 GICD_TYPER);
//! - `4 <= pri_bits <= 8` (at least 16 priority levels, IHI 0048B §3.3, IHI 0069H §4.8).
//! - LPIs exist only on GICv3: `lpi_id_bits` is 0 (no LPIs) or `14..=16` (INTIDs up to
//!   `2^lpi_id_bits - 1`; LPIs start at 8192 so at least 14 bits are needed, IHI 0069H §5.1,
//!   GICD_TYPER.IDbits >= 13). 16 is irqsuite's ceiling: it keeps ICC_CTLR_EL1.IDbits at 0
//!   (16-bit INTIDs) and the pending-table scan at EnableLPIs small.
//! - An ITS implies LPIs: with `its` set and `lpi_id_bits == 0`, 16 bits are used.

use crate::its::CommandErrorChoice;

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
/// additionally carries ArchVersion = 2 in bits \[19:16\] (IHI 0048B §4.4.16).
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
    /// Number of INTID bits when LPIs are supported (GICD_TYPER.IDbits + 1, GICD_TYPER.LPIS
    /// = 1, GICR_TYPER.PLPIS = 1); 0 for no LPIs (today's default).
    pub lpi_id_bits: u8,
    /// The ITS, if any (GICv3 only). `None` by default.
    pub its: Option<ItsConfig>,
    /// GICR_CTLR.CES: whether EnableLPIs can be cleared (IMPLEMENTATION DEFINED, IHI 0069H
    /// §12.11 GICR_CTLR). `false` by default: EnableLPIs is one-way.
    pub lpi_enable_clearable: bool,
}

/// The shape of the (single) ITS: the GITS_TYPER fields and irqsuite's implementation-defined
/// choices (IHI 0069H §12.19 GITS_TYPER).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItsConfig {
    /// DeviceID bits (GITS_TYPER.Devbits + 1), 1..=32.
    pub device_bits: u8,
    /// EventID bits (GITS_TYPER.ID_bits + 1), 1..=32.
    pub event_bits: u8,
    /// Collection ID bits: 16 gives GITS_TYPER.CIL = 0; fewer gives CIL = 1 and
    /// CIDbits = `collection_bits - 1`. 1..=16.
    pub collection_bits: u8,
    /// GITS_TYPER.HCC: collections held in the ITS itself (ICIDs `0 .. hcc`); larger ICIDs
    /// live in the memory table of GITS_BASER1. 0 = every collection in memory.
    pub hcc: u8,
    /// The DeviceID the ITS sees for a CPU's own MMIO write to GITS_TRANSLATER: IMPLEMENTATION
    /// DEFINED (IHI 0069H §5.2, "the DeviceID is IMPLEMENTATION DEFINED" for writes not from a
    /// device). The host configures it; irqsuite's default is 0.
    pub cpu_device_id: u32,
    /// What the ITS does on a command error: one of the allowed set
    /// ([`crate::allowed_command_error_choices`]). Default: [`CommandErrorChoice::Stall`].
    pub command_error: CommandErrorChoice,
}

impl Default for ItsConfig {
    fn default() -> Self {
        ItsConfig {
            device_bits: 16,
            event_bits: 16,
            collection_bits: 16,
            hcc: 0,
            cpu_device_id: 0,
            command_error: CommandErrorChoice::Stall,
        }
    }
}

impl ItsConfig {
    fn normalized(self) -> Self {
        ItsConfig {
            device_bits: self.device_bits.clamp(1, 32),
            event_bits: self.event_bits.clamp(1, 32),
            collection_bits: self.collection_bits.clamp(1, 16),
            ..self
        }
    }
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
            lpi_id_bits: 0,
            its: None,
            lpi_enable_clearable: false,
        }
        .normalized()
    }

    /// The same configuration with LPIs of `id_bits` INTID bits (clamped to 14..=16).
    pub fn with_lpis(self, id_bits: u8) -> Self {
        GicConfig {
            lpi_id_bits: id_bits.max(1),
            ..self
        }
        .normalized()
    }

    /// The same configuration with an ITS (and LPIs, 16 INTID bits unless already set).
    pub fn with_its(self, its: ItsConfig) -> Self {
        GicConfig {
            its: Some(its),
            ..self
        }
        .normalized()
    }

    /// The same configuration with GICR_CTLR.CES = 1: EnableLPIs can be cleared (and set again,
    /// which reads the pending table again unless PTZ).
    pub fn with_clearable_enable_lpis(self) -> Self {
        GicConfig {
            lpi_enable_clearable: true,
            ..self
        }
    }

    /// Are LPIs supported (GICD_TYPER.LPIS)?
    pub fn lpis(&self) -> bool {
        self.lpi_id_bits != 0
    }

    /// The same configuration clamped into the architectural ranges listed in the module doc.
    pub fn normalized(self) -> Self {
        let max_cpus = match self.version {
            Version::V2 => 8,
            Version::V3 => u8::MAX,
        };
        let (lpi_id_bits, its) = match self.version {
            Version::V2 => (0, None),
            Version::V3 => {
                let bits = match (self.lpi_id_bits, self.its) {
                    (0, None) => 0,
                    (0, Some(_)) => 16,
                    (b, _) => b.clamp(14, 16),
                };
                (bits, self.its.map(ItsConfig::normalized))
            }
        };
        GicConfig {
            cpus: self.cpus.clamp(1, max_cpus),
            it_lines: self.it_lines.min(31),
            pri_bits: self.pri_bits.clamp(4, 8),
            lpi_id_bits,
            its,
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
