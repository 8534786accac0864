//! The physical GIC as refvisor drives it at EL2: its own interrupts (the maintenance interrupt,
//! the virtual timer's PPI, the kick between CPUs) through the physical CPU interface, and the
//! hardware half of the vGIC: the list registers, the hypervisor control register and VMCR,
//! through `ICH_*_EL2` (GICv3, IHI 0069H §12.4) or the GICH frame (GICv2, IHI 0048B §5.3).
//! The encodings are `reference_vgic::lr::{v2, v3}` and `lr::maintenance::Hcr`: refvisor knows
//! no bit of a list register itself.
//!
//! The physical CPU interface runs with EOImode 1 (ICC_CTLR_EL1.EOImode, GICC_CTLR.EOImodeS):
//! an EOI only drops the priority, so the virtual timer's physical interrupt stays active until
//! the guest's deactivation of the hardware-mapped virtual one deactivates it.

use alloc::vec::Vec;

use reference_vgic::EoiMode;
use reference_vgic::lr::maintenance::Hcr;
use reference_vgic::lr::{ListRegister, v2, v3};

use crate::dt::{self, Region};
use crate::mmio::Reg;
use crate::sysreg as sr;

/// The maintenance interrupt (PPI 9, IHI 0069H §12.4 / QEMU virt's `<1 9 4>`).
pub const MAINTENANCE: u32 = 25;
/// The EL1 virtual timer's PPI (Arm BSA; QEMU virt's `<1 11 4>`).
pub const VTIMER: u32 = 27;
/// The SGI a CPU sends another to make it exit its guest and flush.
pub const KICK: u32 = 8;
/// The INTID an acknowledge returns when nothing is pending.
pub const SPURIOUS: u32 = 1023;

/// GICD / GICR registers used (IHI 0069H §12.9-12.11, IHI 0048B §4.3).
const GICD_CTLR: usize = 0x0000;
const GICD_TYPER: usize = 0x0004;
const GICR_TYPER: usize = 0x0008;
const GICR_WAKER: usize = 0x0014;
const SGI_BASE: usize = 0x1_0000;
const IGROUPR0: usize = 0x0080;
const ISENABLER0: usize = 0x0100;
const ISACTIVER0: usize = 0x0300;
const IPRIORITYR: usize = 0x0400;
const GICR_STRIDE: usize = 0x2_0000;
/// GICC (IHI 0048B §4.4) and GICH (§5.3) offsets.
const GICC_CTLR: usize = 0x0000;
const GICC_PMR: usize = 0x0004;
const GICC_IAR: usize = 0x000c;
const GICC_EOIR: usize = 0x0010;
const GICC_DIR: usize = 0x1000;
const GICD_SGIR: usize = 0x0f00;
const GICH_HCR: usize = 0x000;
const GICH_VTR: usize = 0x004;
const GICH_VMCR: usize = 0x008;
const GICH_LR0: usize = 0x100;

/// VMCR.VEOIM / GICH_VMCR.VEM: bit 9 in both (IHI 0069H §12.4 ICH_VMCR_EL2, IHI 0048B §5.3.4).
const VMCR_EOIMODE: u64 = 1 << 9;

/// An acknowledged physical interrupt: its INTID, and the value to end it with (on GICv2 an
/// SGI's EOIR and DIR writes must repeat the source CPU its GICC_IAR read gave, IHI 0048B
/// §4.4.4 and §4.4.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Acked {
    /// The INTID.
    pub intid: u32,
    raw: u32,
}

/// The physical GIC of this machine.
#[derive(Clone, Copy, Debug)]
pub enum Hw {
    /// GICv3: system registers, GICD, the redistributor of each CPU.
    V3 {
        /// Distributor.
        gicd: Reg,
        /// Redistributor region.
        gicr: Region,
    },
    /// GICv2: GICD, GICC and GICH frames.
    V2 {
        /// Distributor.
        gicd: Reg,
        /// CPU interface.
        gicc: Reg,
        /// Virtual interface control.
        gich: Reg,
    },
}

impl Hw {
    /// The hardware of `gic`.
    pub fn new(gic: &dt::Gic) -> Hw {
        match *gic {
            dt::Gic::V3 { gicd, gicr } => Hw::V3 {
                gicd: Reg(gicd.base),
                gicr,
            },
            dt::Gic::V2 {
                gicd, gicc, gich, ..
            } => Hw::V2 {
                gicd: Reg(gicd.base),
                gicc: Reg(gicc.base),
                gich: Reg(gich.base),
            },
        }
    }

    /// GICD_TYPER.ITLinesNumber of the physical distributor.
    pub fn it_lines(&self) -> u8 {
        let gicd = match *self {
            Hw::V3 { gicd, .. } | Hw::V2 { gicd, .. } => gicd,
        };
        (gicd.at(GICD_TYPER).read32() & 0x1f) as u8
    }

    /// Number of list registers (ICH_VTR_EL2.ListRegs + 1, GICH_VTR.ListRegs + 1).
    pub fn nr_lrs(&self) -> usize {
        let vtr = match *self {
            Hw::V3 { .. } => sr::read_ich_vtr_el2(),
            Hw::V2 { gich, .. } => u64::from(gich.at(GICH_VTR).read32()),
        };
        (vtr & 0x3f) as usize + 1
    }

    /// This CPU's redistributor (RD_base), found by affinity in GICR_TYPER (GICv3).
    fn redistributor(gicr: Region) -> Option<Reg> {
        let aff = sr::read_mpidr_el1() & 0xff_00ff_ffff;
        let aff = (aff & 0xff_ffff) | ((aff >> 32) << 24);
        let mut at = gicr.base;
        while at + GICR_STRIDE <= gicr.base + gicr.size {
            let typer = Reg(at).at(GICR_TYPER).read64();
            if typer >> 32 == aff {
                return Some(Reg(at));
            }
            if typer & (1 << 4) != 0 {
                break;
            }
            at += GICR_STRIDE;
        }
        None
    }

    /// The distributor, once, on the boot CPU: enabled (GICv3 with affinity routing).
    pub fn init_distributor(&self) {
        match *self {
            // DS = 1 on QEMU: EnableGrp0 [0], EnableGrp1 [1], ARE [4].
            Hw::V3 { gicd, .. } => gicd.at(GICD_CTLR).write32(0x13),
            Hw::V2 { gicd, .. } => gicd.at(GICD_CTLR).write32(0x3),
        }
    }

    /// This CPU's interface and its PPIs/SGIs: the maintenance interrupt, the virtual timer and
    /// the kick enabled at priority 0x80, Group 1 (v3) / Group 0 (v2), EOImode 1, PMR open; the
    /// virtual interface enabled with cleared list registers.
    pub fn init_cpu(&self) -> Result<(), &'static str> {
        let ours = (1u32 << MAINTENANCE) | (1 << VTIMER) | (1 << KICK);
        let (banked, prio) = match *self {
            Hw::V3 { gicr, .. } => {
                // ICC_SRE_EL2: SRE, DFB, DIB, Enable (EL1 may use the system registers).
                sr::write_icc_sre_el2(0xf);
                let rd = Self::redistributor(gicr).ok_or("no redistributor for this CPU")?;
                let waker = rd.at(GICR_WAKER);
                waker.write32(waker.read32() & !(1 << 1));
                while waker.read32() & (1 << 2) != 0 {
                    core::hint::spin_loop();
                }
                let sgi = rd.at(SGI_BASE);
                let groups = sgi.at(IGROUPR0);
                groups.write32(groups.read32() | ours);
                (sgi, sgi.at(IPRIORITYR))
            }
            Hw::V2 { gicd, .. } => (gicd, gicd.at(IPRIORITYR)),
        };
        for intid in [MAINTENANCE, VTIMER, KICK] {
            let word = prio.at((intid as usize / 4) * 4);
            let shift = (intid % 4) * 8;
            word.write32((word.read32() & !(0xff << shift)) | (0x80 << shift));
        }
        banked.at(ISENABLER0).write32(ours);
        match *self {
            Hw::V3 { .. } => {
                sr::write_icc_pmr_el1(0xff);
                sr::write_icc_ctlr_el1(1 << 1);
                sr::write_icc_igrpen1_el1(1);
                sr::write_ich_vmcr_el2(0);
                for n in 0..self.nr_lrs().min(4) {
                    sr::write_ich_lr(n, 0);
                }
                sr::write_ich_hcr_el2(1);
            }
            Hw::V2 { gicc, gich, .. } => {
                gicc.at(GICC_PMR).write32(0xff);
                // EnableGrp0, EnableGrp1, EOImodeS (IHI 0048B §4.4.1, no Security Extensions).
                gicc.at(GICC_CTLR).write32(0x203);
                gich.at(GICH_VMCR).write32(0);
                for n in 0..self.nr_lrs() {
                    gich.at(GICH_LR0 + 4 * n).write32(0);
                }
                gich.at(GICH_HCR).write32(1);
            }
        }
        Ok(())
    }

    /// Acknowledges the highest-priority physical interrupt (ICC_IAR1_EL1 / GICC_IAR).
    pub fn acknowledge(&self) -> Acked {
        let raw = match *self {
            Hw::V3 { .. } => sr::read_icc_iar1_el1() as u32 & 0xff_ffff,
            Hw::V2 { gicc, .. } => gicc.at(GICC_IAR).read32() & 0x1fff,
        };
        let intid = match *self {
            Hw::V3 { .. } => raw,
            Hw::V2 { .. } => raw & 0x3ff,
        };
        Acked { intid, raw }
    }

    /// Drops the running priority of `acked` (EOImode 1: it stays active).
    pub fn priority_drop(&self, acked: &Acked) {
        match *self {
            Hw::V3 { .. } => sr::write_icc_eoir1_el1(acked.raw.into()),
            Hw::V2 { gicc, .. } => gicc.at(GICC_EOIR).write32(acked.raw),
        }
    }

    /// Deactivates `acked` (with its GICv2 source CPU, as acknowledged).
    pub fn deactivate_acked(&self, acked: &Acked) {
        match *self {
            Hw::V3 { .. } => sr::write_icc_dir_el1(acked.raw.into()),
            Hw::V2 { gicc, .. } => gicc.at(GICC_DIR).write32(acked.raw),
        }
    }

    /// Deactivates physical `intid` (ICC_DIR_EL1 / GICC_DIR).
    pub fn deactivate(&self, intid: u32) {
        match *self {
            Hw::V3 { .. } => sr::write_icc_dir_el1(intid.into()),
            Hw::V2 { gicc, .. } => gicc.at(GICC_DIR).write32(intid),
        }
    }

    /// Whether this CPU's physical `ppi` is active (GICR_ISACTIVER0 / banked GICD_ISACTIVER0).
    pub fn ppi_active(&self, ppi: u32) -> bool {
        let reg = match *self {
            Hw::V3 { gicr, .. } => match Self::redistributor(gicr) {
                Some(rd) => rd.at(SGI_BASE + ISACTIVER0),
                None => return false,
            },
            Hw::V2 { gicd, .. } => gicd.at(ISACTIVER0),
        };
        reg.read32() & (1 << ppi) != 0
    }

    /// Sends the kick SGI to the physical CPU with affinity `mpidr` (index `cpu` on GICv2).
    pub fn kick(&self, cpu: usize, mpidr: u64) {
        match *self {
            Hw::V3 { .. } => {
                // ICC_SGI1R_EL1: Aff3 [55:48], Aff2 [39:32], Aff1 [23:16], INTID [27:24],
                // TargetList [15:0] (IHI 0069H §12.2 ICC_SGI1R_EL1).
                let aff0 = mpidr & 0xf;
                let value = (((mpidr >> 32) & 0xff) << 48)
                    | (((mpidr >> 16) & 0xff) << 32)
                    | (((mpidr >> 8) & 0xff) << 16)
                    | (u64::from(KICK) << 24)
                    | (1 << aff0);
                write_icc_sgi1r(value);
            }
            Hw::V2 { gicd, .. } => {
                // GICD_SGIR: TargetListFilter 0, CPUTargetList [23:16], SGIINTID [3:0].
                gicd.at(GICD_SGIR).write32((1 << (16 + cpu)) | KICK);
            }
        }
    }

    /// The list registers `0..n` as they are now.
    pub fn read_lrs(&self, n: usize) -> Vec<ListRegister> {
        (0..n)
            .map(|i| match *self {
                Hw::V3 { .. } => v3::decode(sr::read_ich_lr(i)),
                Hw::V2 { gich, .. } => v2::decode(gich.at(GICH_LR0 + 4 * i).read32()),
            })
            .collect()
    }

    /// Loads `lrs` into list registers `0..lrs.len()`.
    pub fn write_lrs(&self, lrs: &[ListRegister]) {
        for (i, lr) in lrs.iter().enumerate() {
            match *self {
                Hw::V3 { .. } => sr::write_ich_lr(i, v3::encode(lr)),
                Hw::V2 { gich, .. } => gich.at(GICH_LR0 + 4 * i).write32(v2::encode(lr)),
            }
        }
    }

    /// The hypervisor control register's fields (EOIcount among them).
    pub fn read_hcr(&self) -> Hcr {
        match *self {
            Hw::V3 { .. } => Hcr::from_ich_hcr_el2(sr::read_ich_hcr_el2()),
            Hw::V2 { gich, .. } => Hcr::from_gich_hcr(gich.at(GICH_HCR).read32()),
        }
    }

    /// Writes the hypervisor control register.
    pub fn write_hcr(&self, hcr: &Hcr) {
        match *self {
            Hw::V3 { .. } => sr::write_ich_hcr_el2(hcr.to_ich_hcr_el2()),
            Hw::V2 { gich, .. } => gich.at(GICH_HCR).write32(hcr.to_gich_hcr()),
        }
    }

    /// The guest's EOI mode, from VMCR (the guest writes it through ICV_CTLR_EL1 / GICV_CTLR).
    pub fn guest_eoi_mode(&self) -> EoiMode {
        let vmcr = match *self {
            Hw::V3 { .. } => sr::read_ich_vmcr_el2(),
            Hw::V2 { gich, .. } => u64::from(gich.at(GICH_VMCR).read32()),
        };
        if vmcr & VMCR_EOIMODE != 0 {
            EoiMode::Split
        } else {
            EoiMode::Combined
        }
    }
}

/// ICC_SGI1R_EL1 (the physical one: EL2 accesses are never virtualized).
fn write_icc_sgi1r(v: u64) {
    // SAFETY: sends an SGI; no memory is touched.
    unsafe { core::arch::asm!("msr s3_0_c12_c11_5, {}", "isb", in(reg) v, options(nostack)) };
}
