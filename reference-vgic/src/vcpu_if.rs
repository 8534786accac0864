//! A simulated virtual CPU interface: what a guest observes through GICV_* (GICv2) or
//! ICV_*_EL1 (GICv3) when its hypervisor uses list registers — the hardware half of
//! interrupt virtualization (IHI 0048B §5.2 and §5.4, IHI 0069H §4.4 and §12.4).
//!
//! Invariants:
//! - It sees only its list registers, its hypervisor controls ([`Hcr`]) and its own virtual
//!   state — VMCR (group enables, AckCtl, EOImode, PMR, binary points) and the active
//!   priorities (GICH_APR / `ICH_AP<n>R<m>_EL2`) — never the distributor model.
//! - Priorities, preemption and the active priorities follow the same rules as a physical CPU
//!   interface (IHI 0048B §5.4: the virtual CPU interface "behaves as a GIC CPU interface"), so
//!   the code is the direct model's `cpuif`, given a candidate taken from the registers.
//! - The candidate is the Pending register of highest priority whose group is enabled in
//!   VMCR; ties go to the lowest vINTID, then the lowest source CPU (IMPLEMENTATION DEFINED;
//!   irqsuite's choice, the same as the direct model's). Active-and-pending registers are not
//!   candidates.
//! - A deactivation (EOImode 0 EOI, or DIR with EOImode 1) acts on the active register with
//!   the written vINTID (and, for a GICv2 software SGI, the CPUID in bits \[12:10\]); HW = 1
//!   forwards it to the physical INTID ([`Effect::DeactivatePhysical`]); when no register
//!   matches, EOIcount increments (5 bits, wrapping). An EOI that drops no active priority
//!   does nothing else (IHI 0048B §5.3.2: such EOIs do not increment EOICount).
//! - With TDIR, a DIR write changes nothing here: it traps ([`DirResult::Trapped`]).

use alloc::vec::Vec;

use crate::config::{GicConfig, Version};
use crate::cpuif::{self, AckView, CpuIf};
use crate::irq::Group;
use crate::lr::maintenance::{self, Hcr, Misr};
use crate::lr::{ListRegister, LrState};
use crate::oracle::Candidate;
use crate::vgic::{Effect, FlushResult};

/// The outcome of a guest DIR write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirResult {
    /// Handled by the virtual CPU interface, with the physical deactivation it forwarded.
    Done(Option<Effect>),
    /// TDIR: the write trapped; the hypervisor folds, then calls `Vgic::emulate_dir`.
    Trapped,
}

/// One vCPU's virtual CPU interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VcpuIf {
    version: Version,
    /// The virtual priority bits (GICH_VTR.PRIbits + 1: 5 on GICv2; ICH_VTR_EL2.PRIbits + 1).
    config: GicConfig,
    /// VMCR fields and the active priorities.
    state: CpuIf,
    lrs: Vec<ListRegister>,
    hcr: Hcr,
}

impl VcpuIf {
    /// The virtual CPU interface of a guest of `config` (its version and priority bits; GICv2
    /// list registers hold 5 priority bits, so at most 5 there), in its reset state, with no
    /// list registers loaded.
    pub fn new(config: &GicConfig) -> VcpuIf {
        let pri_bits = match config.version {
            Version::V2 => config.pri_bits.min(5),
            Version::V3 => config.pri_bits,
        };
        let config = GicConfig {
            pri_bits,
            ..*config
        };
        VcpuIf {
            version: config.version,
            config,
            state: CpuIf::new(&config),
            lrs: Vec::new(),
            hcr: Hcr::default(),
        }
    }

    /// Enter the guest: load the list registers and controls of a flush (EOIcount 0).
    pub fn load(&mut self, flush: &FlushResult) {
        self.lrs = flush.lrs.clone();
        self.hcr = flush.hcr();
    }

    /// The list registers, as the hypervisor reads them back at exit.
    pub fn lrs(&self) -> &[ListRegister] {
        &self.lrs
    }

    /// The hypervisor controls, EOIcount included.
    pub fn hcr(&self) -> Hcr {
        self.hcr
    }

    /// EOIcount, for [`crate::Vgic::fold`].
    pub fn eoi_count(&self) -> u32 {
        u32::from(self.hcr.eoi_count)
    }

    /// GICH_MISR / ICH_MISR_EL2 now.
    pub fn misr(&self) -> Misr {
        maintenance::misr(&self.lrs, &self.hcr, self.state.enable)
    }

    /// Is the maintenance interrupt asserted (the guest would exit)?
    pub fn maintenance_asserted(&self) -> bool {
        self.misr().asserted(&self.hcr)
    }

    fn view(&self) -> AckView {
        match self.version {
            Version::V2 => AckView::Both,
            Version::V3 => AckView::Group1,
        }
    }

    fn intid_of(&self, value: u32) -> u32 {
        match self.version {
            Version::V2 => value & 0x3ff,
            Version::V3 => value & 0xff_ffff,
        }
    }

    fn sw_sgi_source(&self, lr: &ListRegister) -> Option<u8> {
        (self.version == Version::V2 && lr.vintid < 16 && lr.pintid.is_none())
            .then_some(lr.source_cpu)
    }

    /// The highest priority pending register, as a candidate for the shared CPU interface
    /// rules.
    fn candidate(&self) -> Option<(usize, Candidate)> {
        let mask = self.config.priority_mask();
        self.lrs
            .iter()
            .enumerate()
            .filter(|(_, lr)| lr.state == LrState::Pending && self.state.enable[lr.group.index()])
            .min_by_key(|(_, lr)| (lr.priority & mask, lr.vintid, lr.source_cpu))
            .map(|(i, lr)| {
                let c = Candidate {
                    intid: lr.vintid,
                    priority: lr.priority & mask,
                    group: lr.group,
                    source: self.sw_sgi_source(lr),
                };
                (i, c)
            })
    }

    /// GICV_IAR / ICV_IAR1_EL1: acknowledge the candidate if it can be signalled (its register
    /// becomes Active, its group priority is recorded in the active priorities).
    pub fn ack(&mut self) -> u32 {
        let candidate = self.candidate();
        let view = self.view();
        let lrs = &mut self.lrs;
        cpuif::acknowledge(
            view,
            &mut self.state,
            &self.config,
            candidate.map(|(_, c)| c),
            |_| {
                if let Some((i, _)) = candidate {
                    lrs[i].state = LrState::Active;
                }
                true
            },
        )
    }

    /// GICV_HPPIR / ICV_HPPIR1_EL1.
    pub fn hppir(&self) -> u32 {
        cpuif::hppir(self.view(), &self.state, self.candidate().map(|(_, c)| c))
    }

    /// GICV_RPR / ICV_RPR_EL1.
    pub fn rpr(&self) -> u8 {
        self.state.running_priority(&self.config)
    }

    /// GICV_EOIR / ICV_EOIR1_EL1: drop the running priority and, with EOImode 0, deactivate.
    pub fn eoi(&mut self, value: u32) -> Option<Effect> {
        let intid = self.intid_of(value);
        if (1020..=1023).contains(&intid) {
            return None;
        }
        let only = match self.version {
            Version::V2 => None,
            Version::V3 => Some(Group::G1),
        };
        if !self.state.priority_drop(only) || self.state.eoimode {
            return None;
        }
        self.deactivate(value)
    }

    /// GICV_DIR / ICV_DIR_EL1: deactivate with EOImode 1; ignored with EOImode 0; trapped
    /// under TDIR.
    pub fn dir(&mut self, value: u32) -> DirResult {
        if self.hcr.tdir {
            return DirResult::Trapped;
        }
        if !self.state.eoimode {
            return DirResult::Done(None);
        }
        DirResult::Done(self.deactivate(value))
    }

    fn deactivate(&mut self, value: u32) -> Option<Effect> {
        let intid = self.intid_of(value);
        let source = ((value >> 10) & 7) as u8;
        let found = self.lrs.iter().position(|lr| {
            lr.state.is_active()
                && lr.vintid == intid
                && self.sw_sgi_source(lr).is_none_or(|s| s == source)
        });
        match found {
            Some(i) => {
                let lr = &mut self.lrs[i];
                lr.state = lr.state.deactivated();
                lr.pintid.map(Effect::DeactivatePhysical)
            }
            None => {
                self.hcr.eoi_count = (self.hcr.eoi_count + 1) & 0x1f;
                None
            }
        }
    }

    /// GICV_PMR / ICV_PMR_EL1 (unimplemented low bits RAZ/WI).
    pub fn set_pmr(&mut self, value: u8) {
        self.state.pmr = value & self.config.priority_mask();
    }

    /// GICV_CTLR.EOImode / ICV_CTLR_EL1.EOImode: `true` splits priority drop and deactivation.
    pub fn set_eoi_mode_split(&mut self, split: bool) {
        self.state.eoimode = split;
    }

    /// GICV_CTLR.EnableGrp0/1 / ICV_IGRPEN0/1_EL1.
    pub fn set_group_enable(&mut self, group: Group, enabled: bool) {
        self.state.enable[group.index()] = enabled;
    }

    /// GICV_CTLR.AckCtl (GICv2): GICV_IAR may acknowledge Group 1 interrupts.
    pub fn set_ack_ctl(&mut self, on: bool) {
        self.state.ack_ctl = on;
    }

    /// GICV_BPR/ABPR / ICV_BPR0/1_EL1 (clamped to the minimum).
    pub fn set_bpr(&mut self, group: Group, value: u8) {
        let config = self.config;
        self.state.set_bpr(group, value.into(), &config);
    }

    /// The active priorities of `group`, preemption levels 0-31 (GICH_APR / `ICH_AP<g>R0_EL2`).
    pub fn apr(&self, group: Group) -> u32 {
        self.state.ap[group.index()][0]
    }
}
