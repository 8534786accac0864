//! What a guest found on its machine: the [`TargetInfo`] it reports first, from which the host
//! configures the reference model for lockstep replay.

use core::fmt;

/// The guest architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    /// Arm 64-bit.
    Aarch64,
    /// x86 64-bit.
    X86_64,
}

impl Arch {
    /// The wire name (`arch=` in `cfg`).
    pub const fn wire(self) -> &'static str {
        match self {
            Arch::Aarch64 => "aarch64",
            Arch::X86_64 => "x86_64",
        }
    }
}

/// What x86 discovery (ACPI MADT and DMAR, CPUID, the IOAPIC's version register) found.
/// All zero on Arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct X86Info {
    /// Redirection entries of the first IOAPIC (IOAPICVER.MaximumRedirectionEntry + 1,
    /// 82093AA §3.2.2); 0 without an IOAPIC.
    pub ioapic_pins: u8,
    /// Whether the CPU supports x2APIC mode (CPUID.01H:ECX\[21\], SDM vol. 3 §11.12.1).
    pub x2apic: bool,
    /// Whether the ACPI DMAR table lists a VT-d remapping hardware unit (DRHD).
    pub iommu: bool,
    /// Whether the local APIC timer has TSC-deadline mode (CPUID.01H:ECX\[24\], SDM vol. 3
    /// §11.5.4.1).
    pub tsc_deadline: bool,
}

impl X86Info {
    /// Nothing (an Arm machine).
    pub const NONE: X86Info = X86Info {
        ioapic_pins: 0,
        x2apic: false,
        iommu: false,
        tsc_deadline: false,
    };
}

/// The GIC architecture version the guest sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GicVersion {
    /// GICv2 (IHI 0048B): MMIO CPU interface.
    V2,
    /// GICv3 (IHI 0069H): redistributors and system-register CPU interface.
    V3,
    /// GICv4: GICv3 plus direct injection of virtual LPIs (IHI 0069H chapter 9).
    V4,
}

impl GicVersion {
    /// Whether the CPU interface is the GICv3 system-register one (v3 and v4).
    pub const fn has_sysregs(self) -> bool {
        !matches!(self, GicVersion::V2)
    }
}

impl fmt::Display for GicVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GicVersion::V2 => "v2",
            GicVersion::V3 => "v3",
            GicVersion::V4 => "v4",
        })
    }
}

/// The machine as discovered by the guest (device tree or ACPI), reported in the `cfg` record.
///
/// The GIC fields (`gic`, `it_lines`, `pri_bits`, `its`, `lpi_clearable`) describe an Arm
/// machine and are `V2`/0/false on x86_64; [`TargetInfo::x86`] describes an x86 one and is
/// [`X86Info::NONE`] on Arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetInfo {
    /// Guest architecture.
    pub arch: Arch,
    /// GIC version.
    pub gic: GicVersion,
    /// Number of CPUs brought up or available.
    pub cpus: u8,
    /// GICD_TYPER.ITLinesNumber: the distributor implements 32 * (N + 1) INTIDs.
    pub it_lines: u8,
    /// Implemented priority bits (GICv3 ICC_CTLR_EL1.PRIbits + 1; GICv2 probed through
    /// GICD_IPRIORITYR).
    pub pri_bits: u8,
    /// Whether an ITS was found.
    pub its: bool,
    /// GICR_CTLR.CES of redistributor 0: whether GICR_CTLR.EnableLPIs can be cleared.
    pub lpi_clearable: bool,
    /// The host-side requests the backend serves (from the guest's command line).
    pub inject: crate::inject::Injection,
    /// The guest-physical base of [`crate::lpi::ARENA_BYTES`] of RAM the guest sets aside for the
    /// interrupt controller's tables (0: none). Reported so that the model lays its tables out at
    /// the same addresses and register values that hold addresses compare equal.
    pub arena: u64,
    /// What x86 discovery found.
    pub x86: X86Info,
}

impl TargetInfo {
    /// The number of SPIs the distributor implements (INTIDs 32 .. 32 * (ITLinesNumber + 1),
    /// capped at 1020).
    pub fn spis(&self) -> u32 {
        (32 * (self.it_lines as u32 + 1)).min(1020) - 32
    }
    /// The mask of implemented priority bits in an 8-bit priority field.
    pub fn pri_mask(&self) -> u8 {
        (0xff00u16 >> self.pri_bits.min(8)) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(it_lines: u8, pri_bits: u8) -> TargetInfo {
        TargetInfo {
            arch: Arch::Aarch64,
            gic: GicVersion::V3,
            cpus: 1,
            it_lines,
            pri_bits,
            its: false,
            arena: 0,
            lpi_clearable: false,
            inject: crate::inject::Injection::empty(),
            x86: X86Info::NONE,
        }
    }

    #[test]
    fn spis_follow_it_lines_number() {
        assert_eq!(info(0, 5).spis(), 0);
        assert_eq!(info(8, 5).spis(), 256);
        assert_eq!(info(31, 5).spis(), 988);
    }

    #[test]
    fn priority_mask_keeps_the_top_bits() {
        assert_eq!(info(1, 5).pri_mask(), 0xf8);
        assert_eq!(info(1, 8).pri_mask(), 0xff);
        assert_eq!(info(1, 4).pri_mask(), 0xf0);
    }
}
