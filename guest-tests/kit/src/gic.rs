//! Version-independent GIC operations on [`Ctx`], so one case source serves GICv2 and GICv3.
//!
//! Per-interrupt registers of SGIs and PPIs live in the distributor on GICv2 and in the
//! redistributor's SGI_base frame on GICv3 with affinity routing (IHI 0069H §12.10); the CPU
//! interface is MMIO (GICC_*) on GICv2 and system registers (ICC_*, Group 1) on GICv3. These
//! helpers pick the right one. All operate on CPU 0 (affinity 0.0.0.0) for now.

use crate::regs::{IrqBank, gicc, gicd, icc};
use crate::{Ctx, IccReg, IntId, RdFrame, Site, Width};

/// Where an SGI goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SgiTargets {
    /// The CPUs whose bits are set (bit `n` = CPU `n`).
    Cpus(u16),
    /// Every CPU but the sender.
    AllButMyself,
    /// The sender only.
    Myself,
}

/// How many polls [`Ctx::ack_when_pending`] makes before giving up.
pub const PENDING_POLLS: u32 = 10_000;

impl Ctx<'_> {
    /// Reads GICD_TYPER, recorded as the implementation-defined value `gicd-typer` (its fields
    /// are the implementation's choices; cases check the architectural constraints on them).
    pub fn gicd_typer(&mut self) -> gicd::Typer {
        let site = Site::Gicd(gicd::TYPER);
        gicd::Typer(self.read_impl("gicd-typer", site, Width::B32, crate::Allowed::Any) as u32)
    }

    /// The register of `bank` that holds `intid`, and the field's shift.
    pub fn irq_reg(&self, bank: IrqBank, intid: IntId) -> (Site, u32) {
        let (offset, shift) = bank.locate(intid.raw());
        let site = if self.info().gic.has_sysregs() && intid.is_private() {
            Site::Gicr {
                cpu: self.cpu(),
                frame: RdFrame::Sgi,
                offset,
            }
        } else {
            Site::Gicd(offset)
        };
        (site, shift)
    }

    /// Writes the one bit of `intid` in a write-1-to-set/clear `bank`.
    pub fn set_bit(&mut self, bank: IrqBank, intid: IntId) {
        let (site, shift) = self.irq_reg(bank, intid);
        self.write32(site, 1 << shift);
    }

    /// Reads the bit of `intid` in `bank` (traced).
    pub fn read_bit(&mut self, bank: IrqBank, intid: IntId) -> bool {
        let (site, shift) = self.irq_reg(bank, intid);
        self.read32(site) >> shift & 1 == 1
    }

    /// GICD_ISENABLER: enables forwarding of `intid`.
    pub fn enable(&mut self, intid: IntId) {
        self.set_bit(gicd::ISENABLER, intid);
    }
    /// GICD_ICENABLER: disables forwarding of `intid`.
    pub fn disable(&mut self, intid: IntId) {
        self.set_bit(gicd::ICENABLER, intid);
    }
    /// GICD_ISPENDR: makes `intid` pending.
    pub fn set_pending(&mut self, intid: IntId) {
        self.set_bit(gicd::ISPENDR, intid);
    }
    /// GICD_ICPENDR: clears the pending state of `intid`.
    pub fn clear_pending(&mut self, intid: IntId) {
        self.set_bit(gicd::ICPENDR, intid);
    }
    /// GICD_ISACTIVER: makes `intid` active.
    pub fn set_active(&mut self, intid: IntId) {
        self.set_bit(gicd::ISACTIVER, intid);
    }
    /// GICD_ICACTIVER: deactivates `intid`.
    pub fn clear_active(&mut self, intid: IntId) {
        self.set_bit(gicd::ICACTIVER, intid);
    }
    /// Reads the pending state of `intid` through GICD_ISPENDR (traced).
    pub fn is_pending(&mut self, intid: IntId) -> bool {
        self.read_bit(gicd::ISPENDR, intid)
    }
    /// Reads the active state of `intid` through GICD_ISACTIVER (traced).
    pub fn is_active(&mut self, intid: IntId) -> bool {
        self.read_bit(gicd::ISACTIVER, intid)
    }

    /// Sets the priority of `intid` with a byte write to GICD_IPRIORITYR.
    pub fn set_priority(&mut self, intid: IntId, priority: u8) {
        let (site, shift) = self.irq_reg(gicd::IPRIORITYR, intid);
        self.write(byte_of(site, shift), Width::B8, priority.into());
    }

    /// Reads the priority of `intid` with a byte read of GICD_IPRIORITYR (traced).
    pub fn priority(&mut self, intid: IntId) -> u8 {
        let (site, shift) = self.irq_reg(gicd::IPRIORITYR, intid);
        self.read(byte_of(site, shift), Width::B8) as u8
    }

    /// Routes SPI `intid` to CPU `cpu`: GICD_ITARGETSR byte = 1 << cpu on GICv2 (IHI 0048B
    /// §4.3.12), GICD_IROUTER = affinity 0.0.0.`cpu`, IRM = 0 on GICv3 (IHI 0069H §12.9).
    pub fn route_spi(&mut self, intid: IntId, cpu: u8) {
        if self.info().gic.has_sysregs() {
            let site = Site::Gicd(gicd::IROUTER + 8 * intid.raw());
            self.write(site, Width::B64, cpu.into());
        } else {
            let (site, shift) = self.irq_reg(gicd::ITARGETSR, intid);
            self.write(byte_of(site, shift), Width::B8, 1 << cpu);
        }
    }

    /// Configures `intid` as level-sensitive (GICD_ICFGR Int_config[1] = 0).
    pub fn set_level_triggered(&mut self, intid: IntId) {
        self.update_icfgr(intid, 0b00);
    }
    /// Configures `intid` as edge-triggered (GICD_ICFGR Int_config[1] = 1).
    pub fn set_edge_triggered(&mut self, intid: IntId) {
        self.update_icfgr(intid, 0b10);
    }

    fn update_icfgr(&mut self, intid: IntId, field: u32) {
        let (site, shift) = self.irq_reg(gicd::ICFGR, intid);
        let old = self.read32(site);
        self.write32(site, (old & !(0b11 << shift)) | field << shift);
    }

    /// Acknowledges the highest priority pending interrupt: reads GICC_IAR or ICC_IAR1_EL1
    /// (traced) and returns the raw value (GICv2 SGIs carry the source CPU in bits [12:10]).
    pub fn ack_raw(&mut self) -> u32 {
        let iar = self.read(self.cpuif(gicc::IAR, IccReg::Iar1), self.cpuif_width()) as u32;
        let intid = self.intid_of(iar);
        if !intid.is_special() {
            self.unended.push(self.cpu(), intid.raw());
        }
        iar
    }

    /// Acknowledges and returns the INTID (1023 when nothing is pending).
    pub fn ack(&mut self) -> IntId {
        let iar = self.ack_raw();
        self.intid_of(iar)
    }

    /// Polls the highest priority pending interrupt (untraced) until one shows, then
    /// acknowledges it (traced). Covers the propagation delay the architecture allows between a
    /// distributor write and the CPU interface (IHI 0069H §4.7).
    pub fn ack_when_pending(&mut self) -> IntId {
        let iar = self.ack_when_pending_raw();
        self.intid_of(iar)
    }

    /// [`Ctx::ack_when_pending`], returning the raw acknowledge value.
    pub fn ack_when_pending_raw(&mut self) -> u32 {
        let hppir = self.cpuif(gicc::HPPIR, IccReg::Hppir1);
        let width = self.cpuif_width();
        for _ in 0..PENDING_POLLS {
            match self.raw().read(hppir, width) {
                Ok(v) if !self.intid_of(v as u32).is_special() => break,
                _ => self.delay(),
            }
        }
        self.ack_raw()
    }

    /// Reads the highest priority pending interrupt without acknowledging it (traced).
    pub fn hppir(&mut self) -> IntId {
        let v = self.read(self.cpuif(gicc::HPPIR, IccReg::Hppir1), self.cpuif_width());
        self.intid_of(v as u32)
    }

    /// The INTID in an acknowledge or HPPIR value: bits [9:0] of GICC_IAR (IHI 0048B §4.4.4),
    /// bits [23:0] of ICC_IAR1_EL1 (IHI 0069H §12.2.10; 24 INTID bits, LPIs included).
    pub fn intid_of(&self, iar: u32) -> IntId {
        if self.info().gic.has_sysregs() {
            IntId::from_raw(iar & 0x00ff_ffff)
        } else {
            gicc::Iar(iar).intid()
        }
    }

    /// Ends `intid`: GICC_EOIR or ICC_EOIR1_EL1 (priority drop, and deactivation when EOImode
    /// is 0).
    pub fn eoi(&mut self, intid: IntId) {
        let (site, width) = (self.cpuif(gicc::EOIR, IccReg::Eoir1), self.cpuif_width());
        self.write(site, width, intid.raw().into());
        self.unended.remove_last(self.cpu(), intid.raw());
    }

    /// Ends the case: every interrupt it acknowledged through [`Ctx::ack_raw`] and did not EOI
    /// is ended now, most recent first, untraced, on the CPU that took it (EOIR, and DIR when
    /// EOImode is 1). The next case then starts with idle CPU interfaces even on a target whose
    /// clear registers do not work (the kit's reset relies on GICD_ICACTIVER and the APRs).
    pub fn finish(mut self) {
        let home = self.cpu();
        while let Some((cpu, intid)) = self.unended.pop() {
            let mut end = |p: &mut dyn crate::Platform| end_untraced(p, intid);
            if cpu == home {
                end(self.raw());
            } else {
                let _ = self.raw().on_cpu(cpu, &mut end);
            }
        }
    }

    /// Deactivates `intid`: GICC_DIR or ICC_DIR_EL1 (meaningful when EOImode is 1).
    pub fn deactivate(&mut self, intid: IntId) {
        let (site, width) = (self.cpuif(gicc::DIR, IccReg::Dir), self.cpuif_width());
        self.write(site, width, intid.raw().into());
    }

    /// Sets the priority mask (GICC_PMR or ICC_PMR_EL1).
    pub fn set_priority_mask(&mut self, mask: u8) {
        let (site, width) = (self.cpuif(gicc::PMR, IccReg::Pmr), self.cpuif_width());
        self.write(site, width, mask.into());
    }

    /// Reads the running priority (GICC_RPR or ICC_RPR_EL1, traced).
    pub fn running_priority(&mut self) -> u8 {
        self.read(self.cpuif(gicc::RPR, IccReg::Rpr), self.cpuif_width()) as u8
    }

    /// Selects split priority drop and deactivation (EOImode = 1).
    pub fn set_eoi_mode_split(&mut self) {
        self.update_eoi_mode(true);
    }
    /// Selects combined priority drop and deactivation (EOImode = 0), the reset choice.
    pub fn set_eoi_mode_combined(&mut self) {
        self.update_eoi_mode(false);
    }

    fn update_eoi_mode(&mut self, split: bool) {
        let (site, bit) = if self.info().gic.has_sysregs() {
            (Site::Icc(IccReg::Ctlr), icc::Ctlr::EOI_MODE.bits())
        } else {
            (
                Site::Gicc(gicc::CTLR),
                u64::from(gicc::Ctlr::EOI_MODE.bits()),
            )
        };
        // Untraced read: the other CTLR fields are implementation defined (ICC_CTLR_EL1 IDbits,
        // A3V, SEIS, ...) and not what this helper observes.
        let width = self.cpuif_width();
        let old = self.raw().read(site, width).unwrap_or(0);
        let new = if split { old | bit } else { old & !bit };
        self.write(site, width, new);
    }

    /// Sends SGI `sgi` to the calling CPU (GICD_SGIR TargetListFilter = 0b10 on GICv2,
    /// ICC_SGI1R_EL1 with the caller's own bit on GICv3).
    pub fn send_sgi_to_self(&mut self, sgi: IntId) {
        self.send_sgi(sgi, SgiTargets::Myself);
    }

    /// Sends SGI `sgi` to `targets`: GICD_SGIR (IHI 0048B §4.3.15) on GICv2, ICC_SGI1R_EL1
    /// (IHI 0069H §12.2.22) on GICv3, where CPU `n` is taken to have affinity 0.0.0.`n` (true of
    /// QEMU's virt board, KVM and Xen guests up to 16 CPUs).
    pub fn send_sgi(&mut self, sgi: IntId, targets: SgiTargets) {
        let n = sgi.raw();
        if self.info().gic.has_sysregs() {
            let value = match targets {
                SgiTargets::Cpus(list) => icc::sgi1r_to_list(n, list),
                SgiTargets::AllButMyself => icc::sgi1r_to_all_but_self(n),
                SgiTargets::Myself => icc::sgi1r_to_list(n, 1 << self.cpu()),
            };
            self.write(Site::Icc(IccReg::Sgi1r), Width::B64, value);
        } else {
            let value = match targets {
                SgiTargets::Cpus(list) => gicd::Sgir::to_list(n, list as u8),
                SgiTargets::AllButMyself => gicd::Sgir::to_all_but_self(n),
                SgiTargets::Myself => gicd::Sgir::to_self(n),
            };
            self.write32(Site::Gicd(gicd::SGIR), value.0);
        }
    }

    /// The CPU interface register: GICC at `v2_offset`, or the ICC system register.
    pub fn cpuif(&self, v2_offset: u32, v3: IccReg) -> Site {
        if self.info().gic.has_sysregs() {
            Site::Icc(v3)
        } else {
            Site::Gicc(v2_offset)
        }
    }

    /// The natural access width of the CPU interface (32-bit MMIO, 64-bit system registers).
    pub fn cpuif_width(&self) -> Width {
        if self.info().gic.has_sysregs() {
            Width::B64
        } else {
            Width::B32
        }
    }
}

/// The byte register at `shift` within the 32-bit register `site`.
fn byte_of(site: Site, shift: u32) -> Site {
    let add = shift / 8;
    match site {
        Site::Gicd(o) => Site::Gicd(o + add),
        Site::Gicr { cpu, frame, offset } => Site::Gicr {
            cpu,
            frame,
            offset: offset + add,
        },
        other => other,
    }
}

/// EOIR for `intid` on the calling CPU, then DIR when EOImode is 1 (IHI 0048B §4.4.5 and
/// §4.4.15, IHI 0069H ICC_EOIR1_EL1 and ICC_DIR_EL1); untraced.
fn end_untraced(p: &mut dyn crate::Platform, intid: u32) {
    let v3 = p.info().gic.has_sysregs();
    let (eoir, dir, ctlr, split, width) = if v3 {
        let split = icc::Ctlr::EOI_MODE.bits();
        (
            Site::Icc(IccReg::Eoir1),
            Site::Icc(IccReg::Dir),
            Site::Icc(IccReg::Ctlr),
            split,
            Width::B64,
        )
    } else {
        let split = u64::from(gicc::Ctlr::EOI_MODE.bits());
        (
            Site::Gicc(gicc::EOIR),
            Site::Gicc(gicc::DIR),
            Site::Gicc(gicc::CTLR),
            split,
            Width::B32,
        )
    };
    let _ = p.write(eoir, width, intid.into());
    if p.read(ctlr, width).is_ok_and(|c| c & split != 0) {
        let _ = p.write(dir, width, intid.into());
    }
}
