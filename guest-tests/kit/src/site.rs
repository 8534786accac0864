//! Where an access goes: a register [`Site`] (an MMIO frame and offset, or a system register) and
//! its [`Width`]. Sites are what the trace names, so a divergence reads "GICD_ISPENDR1", not an
//! address that differs from one hypervisor to the next.

use core::fmt;

/// The width of a register access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Width {
    /// 8-bit (byte-accessible registers: GICD_IPRIORITYR, GICD_ITARGETSR).
    B8,
    /// 16-bit.
    B16,
    /// 32-bit, the usual width.
    B32,
    /// 64-bit (GICD_IROUTER, GICR_TYPER, system registers).
    B64,
}

impl Width {
    /// The access size in bytes.
    pub const fn bytes(self) -> u8 {
        match self {
            Width::B8 => 1,
            Width::B16 => 2,
            Width::B32 => 4,
            Width::B64 => 8,
        }
    }
    /// The width of an access of `bytes` bytes.
    pub const fn from_bytes(bytes: u8) -> Option<Self> {
        match bytes {
            1 => Some(Width::B8),
            2 => Some(Width::B16),
            4 => Some(Width::B32),
            8 => Some(Width::B64),
            _ => None,
        }
    }
    /// The all-ones value of this width.
    pub const fn mask(self) -> u64 {
        match self {
            Width::B64 => u64::MAX,
            w => (1u64 << (w.bytes() as u32 * 8)) - 1,
        }
    }
}

/// The two 64 KiB frames of a GICv3 redistributor (IHI 0069H §12.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RdFrame {
    /// RD_base: control, LPI and power registers.
    Rd,
    /// SGI_base: the SGI and PPI registers.
    Sgi,
}

/// GICv3 CPU interface system registers (IHI 0069H §12.11), Group 1 view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IccReg {
    /// ICC_IAR1_EL1: acknowledge.
    Iar1,
    /// ICC_EOIR1_EL1: priority drop (and deactivate when EOImode = 0).
    Eoir1,
    /// ICC_DIR_EL1: deactivate.
    Dir,
    /// ICC_HPPIR1_EL1: highest priority pending, without acknowledging.
    Hppir1,
    /// ICC_PMR_EL1: priority mask.
    Pmr,
    /// ICC_BPR1_EL1: binary point.
    Bpr1,
    /// ICC_RPR_EL1: running priority.
    Rpr,
    /// ICC_CTLR_EL1: EOImode, PRIbits, IDbits, ...
    Ctlr,
    /// ICC_IGRPEN1_EL1: Group 1 enable.
    Igrpen1,
    /// ICC_SGI1R_EL1: generate a Group 1 SGI.
    Sgi1r,
    /// ICC_AP1R0_EL1: active priorities, Group 1.
    Ap1r0,
    /// ICC_SRE_EL1: system register enable.
    Sre,
}

impl IccReg {
    /// Every ICC register the kit knows.
    pub const ALL: [IccReg; 12] = [
        IccReg::Iar1,
        IccReg::Eoir1,
        IccReg::Dir,
        IccReg::Hppir1,
        IccReg::Pmr,
        IccReg::Bpr1,
        IccReg::Rpr,
        IccReg::Ctlr,
        IccReg::Igrpen1,
        IccReg::Sgi1r,
        IccReg::Ap1r0,
        IccReg::Sre,
    ];
    /// The short wire name.
    pub const fn wire(self) -> &'static str {
        match self {
            IccReg::Iar1 => "iar1",
            IccReg::Eoir1 => "eoir1",
            IccReg::Dir => "dir",
            IccReg::Hppir1 => "hppir1",
            IccReg::Pmr => "pmr",
            IccReg::Bpr1 => "bpr1",
            IccReg::Rpr => "rpr",
            IccReg::Ctlr => "ctlr",
            IccReg::Igrpen1 => "igrpen1",
            IccReg::Sgi1r => "sgi1r",
            IccReg::Ap1r0 => "ap1r0",
            IccReg::Sre => "sre",
        }
    }
    /// The architectural name.
    pub const fn spec_name(self) -> &'static str {
        match self {
            IccReg::Iar1 => "ICC_IAR1_EL1",
            IccReg::Eoir1 => "ICC_EOIR1_EL1",
            IccReg::Dir => "ICC_DIR_EL1",
            IccReg::Hppir1 => "ICC_HPPIR1_EL1",
            IccReg::Pmr => "ICC_PMR_EL1",
            IccReg::Bpr1 => "ICC_BPR1_EL1",
            IccReg::Rpr => "ICC_RPR_EL1",
            IccReg::Ctlr => "ICC_CTLR_EL1",
            IccReg::Igrpen1 => "ICC_IGRPEN1_EL1",
            IccReg::Sgi1r => "ICC_SGI1R_EL1",
            IccReg::Ap1r0 => "ICC_AP1R0_EL1",
            IccReg::Sre => "ICC_SRE_EL1",
        }
    }
}

/// The EL1 virtual timer registers (Arm ARM D11.2, CNTV_*_EL0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimerReg {
    /// CNTV_CTL_EL0: ENABLE, IMASK, ISTATUS.
    Ctl,
    /// CNTV_TVAL_EL0: signed 32-bit countdown.
    Tval,
    /// CNTV_CVAL_EL0: compare value.
    Cval,
    /// CNTVCT_EL0: the virtual count (read only).
    Count,
}

impl TimerReg {
    /// The short wire name.
    pub const fn wire(self) -> &'static str {
        match self {
            TimerReg::Ctl => "ctl",
            TimerReg::Tval => "tval",
            TimerReg::Cval => "cval",
            TimerReg::Count => "cnt",
        }
    }
    /// The architectural name.
    pub const fn spec_name(self) -> &'static str {
        match self {
            TimerReg::Ctl => "CNTV_CTL_EL0",
            TimerReg::Tval => "CNTV_TVAL_EL0",
            TimerReg::Cval => "CNTV_CVAL_EL0",
            TimerReg::Count => "CNTVCT_EL0",
        }
    }
}

/// A register, named by frame and offset (MMIO) or by system register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Site {
    /// The distributor, GICD_* at `offset`.
    Gicd(u32),
    /// A GICv3 redistributor of CPU `cpu`, frame `frame`, at `offset`.
    Gicr {
        /// The CPU (redistributor index in discovery order).
        cpu: u8,
        /// RD_base or SGI_base.
        frame: RdFrame,
        /// Byte offset in the frame.
        offset: u32,
    },
    /// The GICv2 CPU interface of the accessing CPU, GICC_* at `offset`.
    Gicc(u32),
    /// A GICv3 CPU interface system register of the accessing CPU.
    Icc(IccReg),
    /// A virtual timer register of the accessing CPU.
    Timer(TimerReg),
    /// The ITS: its control frame (GITS_*) at `offset`, and GITS_TRANSLATER 64 KiB above.
    Gits(u32),
    /// An xAPIC register of the accessing CPU, at byte offset 0x000..0x3f0 of its 4 KiB MMIO
    /// page (Intel SDM vol. 3 §11.4.1, table 11-1). Accesses are 32-bit.
    Lapic(u32),
    /// A model-specific register of the accessing CPU: the x2APIC registers 0x800..0x8ff (SDM
    /// vol. 3 §11.12.1.2), IA32_APIC_BASE 0x1b, IA32_TSC_DEADLINE 0x6e0. 64-bit.
    Msr(u32),
    /// The first IOAPIC's MMIO window at byte offset: IOREGSEL 0x00, IOWIN 0x10, EOI 0x40
    /// (82093AA datasheet §3.0).
    Ioapic(u32),
    /// A register of the first VT-d remapping hardware unit at byte offset (VT-d spec §10.4),
    /// 32- or 64-bit.
    Dmar(u32),
}

impl fmt::Display for Site {
    /// The wire form: `gicd:0x104`, `gicr0:0x14`, `sgi0:0x100`, `gicc:0xc`, `icc:iar1`,
    /// `cntv:ctl`, `lapic:0x300`, `msr:0x80b`, `ioapic:0x10`, `dmar:0x34`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Site::Gicd(o) => write!(f, "gicd:{o:#x}"),
            Site::Gicr {
                cpu,
                frame: RdFrame::Rd,
                offset,
            } => write!(f, "gicr{cpu}:{offset:#x}"),
            Site::Gicr {
                cpu,
                frame: RdFrame::Sgi,
                offset,
            } => write!(f, "sgi{cpu}:{offset:#x}"),
            Site::Gicc(o) => write!(f, "gicc:{o:#x}"),
            Site::Icc(r) => write!(f, "icc:{}", r.wire()),
            Site::Timer(r) => write!(f, "cntv:{}", r.wire()),
            Site::Gits(o) => write!(f, "gits:{o:#x}"),
            Site::Lapic(o) => write!(f, "lapic:{o:#x}"),
            Site::Msr(o) => write!(f, "msr:{o:#x}"),
            Site::Ioapic(o) => write!(f, "ioapic:{o:#x}"),
            Site::Dmar(o) => write!(f, "dmar:{o:#x}"),
        }
    }
}

impl Site {
    /// Parses the wire form written by `Display`.
    pub fn parse(s: &str) -> Option<Site> {
        let (frame, rest) = s.split_once(':')?;
        let offset = || {
            rest.strip_prefix("0x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
        };
        let cpu_of = |p: &str| frame.strip_prefix(p).and_then(|c| c.parse::<u8>().ok());
        Some(match frame {
            "gicd" => Site::Gicd(offset()?),
            "gicc" => Site::Gicc(offset()?),
            "gits" => Site::Gits(offset()?),
            "lapic" => Site::Lapic(offset()?),
            "msr" => Site::Msr(offset()?),
            "ioapic" => Site::Ioapic(offset()?),
            "dmar" => Site::Dmar(offset()?),
            "icc" => Site::Icc(*IccReg::ALL.iter().find(|r| r.wire() == rest)?),
            "cntv" => Site::Timer(
                *[
                    TimerReg::Ctl,
                    TimerReg::Tval,
                    TimerReg::Cval,
                    TimerReg::Count,
                ]
                .iter()
                .find(|r| r.wire() == rest)?,
            ),
            _ => {
                if let Some(cpu) = cpu_of("gicr") {
                    Site::Gicr {
                        cpu,
                        frame: RdFrame::Rd,
                        offset: offset()?,
                    }
                } else {
                    let cpu = cpu_of("sgi")?;
                    Site::Gicr {
                        cpu,
                        frame: RdFrame::Sgi,
                        offset: offset()?,
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_site_kind_round_trips_through_its_wire_form() {
        let sites = [
            Site::Gicd(0x104),
            Site::Gicr {
                cpu: 1,
                frame: RdFrame::Rd,
                offset: 0x14,
            },
            Site::Gicr {
                cpu: 0,
                frame: RdFrame::Sgi,
                offset: 0x100,
            },
            Site::Gicc(0xc),
            Site::Icc(IccReg::Iar1),
            Site::Timer(TimerReg::Ctl),
            Site::Gits(0x1_0040),
            Site::Lapic(0x300),
            Site::Msr(0x80b),
            Site::Ioapic(0x10),
            Site::Dmar(0x34),
        ];
        for site in sites {
            assert_eq!(Site::parse(&site.to_string()), Some(site), "{site}");
        }
    }

    #[test]
    fn malformed_sites_are_rejected() {
        for bad in [
            "",
            "gicd",
            "gicd:104",
            "icc:nope",
            "gicrX:0x1",
            "foo:0x1",
            "lapic:300",
            "msr:0x",
            "dmar:0xg",
        ] {
            assert_eq!(Site::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn x86_sites_have_the_wire_forms_of_the_seam() {
        assert_eq!(Site::Lapic(0x300).to_string(), "lapic:0x300");
        assert_eq!(Site::Msr(0x80b).to_string(), "msr:0x80b");
        assert_eq!(Site::Ioapic(0x10).to_string(), "ioapic:0x10");
        assert_eq!(Site::Dmar(0x34).to_string(), "dmar:0x34");
    }

    #[test]
    fn width_masks() {
        assert_eq!(Width::B8.mask(), 0xff);
        assert_eq!(Width::B32.mask(), 0xffff_ffff);
        assert_eq!(Width::B64.mask(), u64::MAX);
    }
}
