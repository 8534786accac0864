//! The hypervisor half of interrupt virtualization: per-vCPU ap_lists over the distributor
//! model, and the two verbs around every world switch — [`Vgic::flush`] (model → list
//! registers, before entering the guest) and [`Vgic::fold`] (list registers → model, after
//! leaving it) — in the shape of KVM's and Xen's "new VGIC" (see `DESIGN.md`, seeds 000/002).
//! The hardware half is [`crate::VcpuIf`]; refvisor uses real list registers instead.
//!
//! Invariants:
//! - The distributor model ([`Gic`]) is the authority between a fold and the next flush: list
//!   registers are a copy that the guest advances, and fold replays the guest's steps (an
//!   acknowledge, a deactivation) on the model. So every distributor access the hypervisor
//!   emulates must come after a fold and before the next flush — as on hardware, where any
//!   exit folds first.
//! - No I/O: what the hypervisor must do outside the model comes back as [`Effect`] values.
//! - The layer only reads and writes the model through `vgic::seam`.
//! - A flush never asks for a maintenance interrupt whose condition already holds at entry
//!   (no exit loop): see `flush` for each request.

mod flush;
mod fold;
mod seam;

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::ap_list::{ApEntry, ApList, Verdict};
use crate::irq::FIRST_SPI;
use crate::lr::ListRegister;
use crate::lr::maintenance::Hcr;
use crate::{CpuId, Gic};

pub use flush::FlushResult;

/// Something the hypervisor must do outside the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Deactivate this physical INTID (a hardware-mapped virtual interrupt was deactivated
    /// without the list register doing it, IHI 0048B §5.3.9 HW bit, IHI 0069H §12.4
    /// `ICH_LR<n>_EL2`.HW).
    DeactivatePhysical(u32),
}

/// The guest's EOI mode (GICV_CTLR.EOImode / ICV_CTLR_EL1.EOImode, GICH_VMCR.VEM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EoiMode {
    /// EOImode 0: an EOI drops the priority and deactivates.
    Combined,
    /// EOImode 1: an EOI drops the priority; DIR deactivates.
    Split,
}

/// What was flushed into one list register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    lr: ListRegister,
    /// The source whose latch an acknowledge of this register clears (GICv2 SGIs).
    ack_source: Option<u8>,
}

#[derive(Debug, Clone, Default)]
struct VcpuLrs {
    ap_list: ApList,
    /// The list registers of the last flush (empty once folded).
    flushed: Vec<Slot>,
    /// Active entries the last flush left out of the list registers.
    left_out_active: Vec<u32>,
}

/// The list-register layer over a distributor model.
#[derive(Debug, Clone)]
pub struct Vgic {
    gic: Gic,
    vcpus: Vec<VcpuLrs>,
    /// Hardware mappings: (bank vCPU, vINTID) → pINTID; SPIs use bank 0.
    hw: BTreeMap<(usize, u32), u32>,
    /// Acknowledge counter for `ApEntry::activated`.
    acks: u64,
}

impl Vgic {
    /// The layer over `gic`, with empty ap_lists and no hardware mappings.
    pub fn new(gic: Gic) -> Vgic {
        let cpus = usize::from(gic.config.cpus);
        Vgic {
            gic,
            vcpus: alloc::vec![VcpuLrs::default(); cpus],
            hw: BTreeMap::new(),
            acks: 0,
        }
    }

    /// The distributor model.
    pub fn gic(&self) -> &Gic {
        &self.gic
    }

    /// The distributor model, to emulate a trapped distributor access or drive a line. Call
    /// it between a fold and the next flush.
    pub fn gic_mut(&mut self) -> &mut Gic {
        &mut self.gic
    }

    /// The ap_list of `vcpu` (empty for a nonexistent vCPU).
    pub fn ap_list(&self, vcpu: CpuId) -> &[ApEntry] {
        self.vcpus
            .get(usize::from(vcpu.0))
            .map_or(&[], |v| v.ap_list.entries())
    }

    /// Whether `vcpu` has anything for its list registers: an entry on its ap_list, or an
    /// interrupt the model says belongs there now (active, or pending and deliverable to it).
    /// Reads only. A hypervisor that shares one model between vCPUs running at once makes
    /// another vCPU exit and flush after an emulated access only when this holds for it (or its
    /// list registers hold something): otherwise its next flush would load nothing.
    pub fn has_work(&self, vcpu: CpuId) -> bool {
        let Some(v) = self.vcpu_index(vcpu) else {
            return false;
        };
        !self.vcpus[v].ap_list.entries().is_empty()
            || (0..seam::nr_irqs(&self.gic)).any(|intid| {
                seam::active_or_pending(&self.gic, v, intid) && self.owner(v, intid) == Some(v)
            })
    }

    /// Map virtual `vintid` (banked for `vcpu` when it is an SGI/PPI) to physical `pintid`:
    /// its list registers get HW = 1 and its virtual deactivation deactivates `pintid`.
    pub fn map_hw(&mut self, vcpu: CpuId, vintid: u32, pintid: u32) {
        self.hw.insert(hw_key(vcpu, vintid), pintid);
    }

    /// Remove the hardware mapping of `vintid`.
    pub fn unmap_hw(&mut self, vcpu: CpuId, vintid: u32) {
        self.hw.remove(&hw_key(vcpu, vintid));
    }

    fn pintid(&self, vcpu: usize, vintid: u32) -> Option<u32> {
        self.hw.get(&hw_key(CpuId(vcpu as u8), vintid)).copied()
    }

    fn vcpu_index(&self, vcpu: CpuId) -> Option<usize> {
        let i = usize::from(vcpu.0);
        (i < self.vcpus.len()).then_some(i)
    }

    /// The vCPU whose ap_list `intid` belongs on, if any: a banked interrupt on its own
    /// vCPU when active or deliverable; an active SPI stays where it is listed (else its
    /// route); a pending SPI goes where it is routed.
    fn owner(&self, vcpu: usize, intid: u32) -> Option<usize> {
        if intid < FIRST_SPI {
            let v = seam::view(&self.gic, vcpu, intid)?;
            return (v.active || v.pending).then_some(vcpu);
        }
        let irq = self.gic.irqs.get(0, intid)?;
        let route = seam::route(&self.gic, irq);
        if irq.active {
            let holder = self
                .vcpus
                .iter()
                .position(|v| v.ap_list.get(intid).is_some());
            return holder.or(route).or(Some(0));
        }
        let target = route?;
        seam::view(&self.gic, target, intid)
            .filter(|v| v.pending)
            .map(|_| target)
    }

    /// Prune `vcpu`'s ap_list (drop what is neither pending nor active, move what is routed
    /// elsewhere) and queue everything the model says belongs on it, refreshing snapshots.
    fn sync(&mut self, vcpu: usize) {
        let mut list = core::mem::take(&mut self.vcpus[vcpu].ap_list);
        let moved = list.prune(|e| {
            // An active SPI stays on the list that holds it until it is deactivated.
            let active_spi =
                e.intid >= FIRST_SPI && self.gic.irqs.get(0, e.intid).is_some_and(|irq| irq.active);
            match self.owner(vcpu, e.intid) {
                _ if active_spi => Verdict::Keep,
                Some(o) if o == vcpu => Verdict::Keep,
                Some(o) => Verdict::MoveTo(o),
                None => Verdict::Drop,
            }
        });
        self.vcpus[vcpu].ap_list = list;
        for (to, entry) in moved {
            if let Some(v) = self.vcpus.get_mut(to) {
                v.ap_list.queue(entry);
            }
        }
        for intid in 0..seam::nr_irqs(&self.gic) {
            // Neither active nor pending (latch or line): no vCPU owns it (`owner`), and most
            // INTIDs are in that state, so look no further (a hypervisor flushes on every exit).
            if !seam::active_or_pending(&self.gic, vcpu, intid) {
                continue;
            }
            if self.owner(vcpu, intid) != Some(vcpu) {
                continue;
            }
            if let Some(v) = seam::view(&self.gic, vcpu, intid) {
                let entry = ApEntry::new(intid, v.active, v.pending, v.priority);
                self.vcpus[vcpu].ap_list.queue(entry);
            }
        }
    }

    /// The guest's DIR write, trapped because the last flush set
    /// [`FlushResult::trap_dir`]: call it after [`Vgic::fold`]. With EOImode 1 the interrupt
    /// the value names (INTID bits \[9:0\] on GICv2, \[23:0\] on GICv3) is deactivated; with
    /// EOImode 0 the write has no effect (IHI 0069H §12.4 ICH_HCR_EL2.TDIR, ICV_DIR_EL1).
    pub fn emulate_dir(&mut self, vcpu: CpuId, value: u32, mode: EoiMode) -> Vec<Effect> {
        let Some(vcpu) = self.vcpu_index(vcpu) else {
            return Vec::new();
        };
        let intid = match self.gic.config.version {
            crate::Version::V2 => value & 0x3ff,
            crate::Version::V3 => value & 0xff_ffff,
        };
        let mut effects = Vec::new();
        if mode == EoiMode::Split && seam::view(&self.gic, vcpu, intid).is_some_and(|v| v.active) {
            seam::deactivate(&mut self.gic, vcpu, intid);
            effects.extend(self.pintid(vcpu, intid).map(Effect::DeactivatePhysical));
        }
        self.sync(vcpu);
        effects
    }
}

fn hw_key(vcpu: CpuId, vintid: u32) -> (usize, u32) {
    let bank = if vintid < FIRST_SPI {
        usize::from(vcpu.0)
    } else {
        0
    };
    (bank, vintid)
}

impl FlushResult {
    /// The GICH_HCR / ICH_HCR_EL2 controls for this flush: enabled, EOIcount 0, and the
    /// maintenance requests.
    pub fn hcr(&self) -> Hcr {
        Hcr {
            en: true,
            uie: self.underflow_requested,
            lrenpie: self.lrenpie,
            npie: self.npie,
            tdir: self.trap_dir,
            ..Hcr::default()
        }
    }
}
