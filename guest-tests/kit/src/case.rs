//! A test case: a small deterministic procedure plus what it needs (DESIGN.md, seam 1).

use crate::{Arch, Ctx, GicVersion, TargetInfo};

/// What a case needs from a target; a target that lacks it skips the case with the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Needs {
    /// The architecture the case is written for (GIC cases: aarch64; APIC cases: x86_64).
    pub arch: Arch,
    /// The oldest GIC version the case applies to.
    pub gic_min: GicVersion,
    /// The newest GIC version the case applies to.
    pub gic_max: GicVersion,
    /// The number of CPUs the case uses.
    pub cpus: u8,
    /// Whether the case uses an ITS.
    pub its: bool,
    /// The host-side requests the case makes.
    pub inject: crate::inject::Injection,
    /// x86: whether the case uses x2APIC mode (CPUID.01H:ECX\[21\]).
    pub x2apic: bool,
    /// x86: whether the case uses an IOAPIC (`Site::Ioapic`).
    pub ioapic: bool,
    /// x86: whether the case uses a VT-d remapping unit (`Site::Dmar`).
    pub iommu: bool,
}

impl Needs {
    /// Any GIC, one CPU.
    pub const ANY_GIC: Needs = Needs {
        arch: Arch::Aarch64,
        gic_min: GicVersion::V2,
        gic_max: GicVersion::V4,
        cpus: 1,
        its: false,
        inject: crate::inject::Injection::empty(),
        x2apic: false,
        ioapic: false,
        iommu: false,
    };
    /// GICv2 only (MMIO CPU interface, GICD_SGIR, ITARGETSR).
    pub const GICV2: Needs = Needs {
        gic_max: GicVersion::V2,
        ..Needs::ANY_GIC
    };
    /// GICv3 or later (system-register CPU interface, redistributors, IROUTER).
    pub const GICV3: Needs = Needs {
        gic_min: GicVersion::V3,
        ..Needs::ANY_GIC
    };

    /// Any x86_64 machine with a local APIC, one CPU (the GIC fields do not apply).
    pub const X86: Needs = Needs {
        arch: Arch::X86_64,
        ..Needs::ANY_GIC
    };
    /// An x86_64 machine whose CPUs support x2APIC mode.
    pub const X2APIC: Needs = Needs {
        x2apic: true,
        ..Needs::X86
    };
    /// An x86_64 machine with an IOAPIC.
    pub const IOAPIC: Needs = Needs {
        ioapic: true,
        ..Needs::X86
    };
    /// An x86_64 machine with a VT-d remapping unit (an ACPI DMAR table).
    pub const IOMMU: Needs = Needs {
        iommu: true,
        ..Needs::X86
    };

    /// Why `target` cannot run a case with these needs, or `None` when it can.
    pub fn unmet(&self, target: &TargetInfo) -> Option<&'static str> {
        if target.arch != self.arch {
            return Some(match self.arch {
                Arch::Aarch64 => "applies to aarch64 (GIC) only",
                Arch::X86_64 => "applies to x86_64 (APIC) only",
            });
        }
        if self.arch == Arch::X86_64 {
            return self.unmet_x86(target);
        }
        if target.gic < self.gic_min {
            return Some(match self.gic_min {
                GicVersion::V2 => "needs a GIC",
                GicVersion::V3 => "needs GICv3 or later",
                GicVersion::V4 => "needs GICv4",
            });
        }
        if target.gic > self.gic_max {
            return Some("applies to GICv2 only");
        }
        if target.cpus < self.cpus {
            return Some("needs more CPUs than the target has");
        }
        if self.its && !target.its {
            return Some("needs an ITS");
        }
        self.unmet_common(target)
    }

    /// The x86 needs: CPUs, x2APIC, host requests.
    fn unmet_x86(&self, target: &TargetInfo) -> Option<&'static str> {
        if self.x2apic && !target.x86.x2apic {
            return Some("needs x2APIC support (CPUID.01H:ECX[21])");
        }
        if self.ioapic && target.x86.ioapic_pins == 0 {
            return Some("needs an IOAPIC");
        }
        if self.iommu && !target.x86.iommu {
            return Some("needs a VT-d remapping unit (ACPI DMAR)");
        }
        self.unmet_common(target)
    }

    /// The needs every architecture shares: CPUs and host requests.
    fn unmet_common(&self, target: &TargetInfo) -> Option<&'static str> {
        if target.cpus < self.cpus {
            return Some("needs more CPUs than the target has");
        }
        let missing = self.inject - target.inject;
        if missing.contains(crate::inject::Injection::LINE) {
            return Some("needs the host to drive an interrupt line");
        }
        if missing.contains(crate::inject::Injection::MSI) {
            return Some("needs the host to send a device MSI");
        }
        if missing.contains(crate::inject::Injection::X86_MSI) {
            return Some("needs the host to send an MSI as a PCI requester");
        }
        None
    }
}

/// One conformance case.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// `area.name`, e.g. `gic.sgi-self`. Stable: baselines and reports key on it.
    pub id: &'static str,
    /// One line: what the case shows.
    pub title: &'static str,
    /// The specification section the expectation comes from.
    pub spec: &'static str,
    /// What the target must offer.
    pub needs: Needs,
    /// The procedure.
    pub run: fn(&mut Ctx<'_>),
}

impl Case {
    /// The area of the id (`gic` in `gic.sgi-self`).
    pub fn area(&self) -> &'static str {
        self.id.split_once('.').map_or(self.id, |(area, _)| area)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Arch;

    fn target(gic: GicVersion) -> TargetInfo {
        TargetInfo {
            arch: Arch::Aarch64,
            gic,
            cpus: 1,
            it_lines: 2,
            pri_bits: 5,
            its: false,
            arena: 0,
            lpi_clearable: false,
            inject: crate::inject::Injection::empty(),
            x86: crate::X86Info::NONE,
        }
    }

    fn x86_target(x2apic: bool) -> TargetInfo {
        TargetInfo {
            arch: Arch::X86_64,
            x86: crate::X86Info {
                ioapic_pins: 24,
                x2apic,
                iommu: false,
                tsc_deadline: false,
            },
            ..target(GicVersion::V2)
        }
    }

    #[test]
    fn gic_cases_skip_on_x86_and_x86_cases_skip_on_arm() {
        assert_eq!(
            Needs::ANY_GIC.unmet(&x86_target(true)),
            Some("applies to aarch64 (GIC) only")
        );
        assert_eq!(
            Needs::X86.unmet(&target(GicVersion::V3)),
            Some("applies to x86_64 (APIC) only")
        );
        assert_eq!(Needs::X86.unmet(&x86_target(false)), None);
    }

    #[test]
    fn x2apic_case_skips_without_x2apic_support() {
        assert_eq!(
            Needs::X2APIC.unmet(&x86_target(false)),
            Some("needs x2APIC support (CPUID.01H:ECX[21])")
        );
        assert_eq!(Needs::X2APIC.unmet(&x86_target(true)), None);
        assert_eq!(
            Needs::IOMMU.unmet(&x86_target(true)),
            Some("needs a VT-d remapping unit (ACPI DMAR)")
        );
        assert_eq!(Needs::IOAPIC.unmet(&x86_target(true)), None);
        let smp = Needs {
            cpus: 2,
            ..Needs::X86
        };
        assert_eq!(
            smp.unmet(&x86_target(true)),
            Some("needs more CPUs than the target has")
        );
    }

    #[test]
    fn gicv3_case_skips_on_gicv2_with_reason() {
        assert_eq!(
            Needs::GICV3.unmet(&target(GicVersion::V2)),
            Some("needs GICv3 or later")
        );
        assert_eq!(Needs::GICV3.unmet(&target(GicVersion::V3)), None);
        assert_eq!(Needs::GICV3.unmet(&target(GicVersion::V4)), None);
    }

    #[test]
    fn gicv2_case_skips_on_gicv3() {
        assert_eq!(
            Needs::GICV2.unmet(&target(GicVersion::V3)),
            Some("applies to GICv2 only")
        );
        assert_eq!(Needs::GICV2.unmet(&target(GicVersion::V2)), None);
    }

    #[test]
    fn smp_and_its_needs_are_checked() {
        let smp = Needs {
            cpus: 2,
            ..Needs::ANY_GIC
        };
        assert!(smp.unmet(&target(GicVersion::V3)).is_some());
        let its = Needs {
            its: true,
            ..Needs::GICV3
        };
        assert_eq!(its.unmet(&target(GicVersion::V3)), Some("needs an ITS"));
    }
}
