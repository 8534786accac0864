//! flush: the ap_list of a vCPU into its list registers, before entering the guest
//! (populate the top entries, clear the rest, request the maintenance interrupts that bring
//! the hypervisor back when the list registers no longer tell the whole story).
//!
//! Invariants:
//! - The list registers hold the top `nr_lr` entries of the ap_list in its order (active
//!   first), except that when every one of them would be active while a pending entry waits,
//!   the last register goes to the highest-priority pending entry: the guest must always see
//!   its highest priority pending interrupt (IAR, HPPIR, preemption), which an active-only
//!   set of registers would hide.
//! - One register per INTID (IHI 0069H §12.4 `ICH_LR<n>_EL2`: two registers with the same
//!   vINTID are UNPREDICTABLE). A GICv2 SGI shows one instance (one source) at a time; when
//!   another waits, its register asks for EOI maintenance so the next flush can show it.
//! - A register is never Active+Pending while a pending entry has no register: its
//!   deactivation would make it a pending candidate ahead of that entry without an exit;
//!   it is Active with EOI maintenance instead.
//! - Level-sensitive software interrupts ask for EOI maintenance (the EOI bit, HW = 0) so that
//!   the line is resampled when the guest deactivates them.
//! - Requests never hold at entry: NPIE only when a pending entry was left out (and a pending
//!   one is in a register), LRENPIE/TDIR only for left-out active entries (EOIcount starts at
//!   0), UIE only with two or more registers, all full.

use alloc::vec::Vec;

use super::seam::{self, IrqView};
use super::{Slot, Vgic};
use crate::CpuId;
use crate::ap_list::ApEntry;
use crate::config::Version;
use crate::lr::{ListRegister, LrState};

/// What [`Vgic::flush`] asks the hypervisor to load before entering the guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlushResult {
    /// Exactly `nr_lr` list registers: the populated ones first, the rest cleared.
    pub lrs: Vec<ListRegister>,
    /// UIE: more entries than list registers (set only with `nr_lr >= 2`: with one register
    /// the underflow condition, at most one valid register, would hold at entry). An exit
    /// once the guest has retired all but one lets the next flush show the rest.
    pub underflow_requested: bool,
    /// NPIE: a pending entry was left out; exit once no register is pending any more.
    pub npie: bool,
    /// LRENPIE: an active entry was left out; its EOI (EOImode 0) finds no register and
    /// increments EOIcount, and the exit lets fold deactivate it.
    pub lrenpie: bool,
    /// Trap DIR (ICH_HCR_EL2.TDIR on GICv3; on GICv2 by not mapping the GICV_DIR page): an
    /// active entry was left out, and a DIR of it (EOImode 1) must name the interrupt, which
    /// EOIcount cannot. Handle the trap with fold, then [`Vgic::emulate_dir`].
    pub trap_dir: bool,
}

impl Vgic {
    /// Fill `nr_lr` list registers for `vcpu` from its ap_list (after pruning it and queueing
    /// what became pending or active) and say which maintenance interrupts to request. The
    /// next [`Vgic::fold`] of `vcpu` compares the registers with what this returned.
    pub fn flush(&mut self, vcpu: CpuId, nr_lr: usize) -> FlushResult {
        let mut result = FlushResult {
            lrs: alloc::vec![ListRegister::CLEARED; nr_lr],
            underflow_requested: false,
            npie: false,
            lrenpie: false,
            trap_dir: false,
        };
        let Some(v) = self.vcpu_index(vcpu) else {
            return result;
        };
        self.sync(v);
        let list: Vec<ApEntry> = self.vcpus[v].ap_list.entries().to_vec();
        let mut chosen: Vec<usize> = (0..list.len().min(nr_lr)).collect();
        let first_pending = list.iter().position(|e| !e.active);
        if let (Some(p), Some(last)) = (first_pending, chosen.last_mut())
            && p >= nr_lr
        {
            *last = p;
        }
        let pending_left_out = list
            .iter()
            .enumerate()
            .any(|(i, e)| !e.active && !chosen.contains(&i));
        let mut slots = Vec::with_capacity(chosen.len());
        for (lr, &i) in result.lrs.iter_mut().zip(&chosen) {
            let slot = self.populate(v, &list[i], pending_left_out);
            *lr = slot.lr;
            slots.push(slot);
        }
        let left_out: Vec<&ApEntry> = list
            .iter()
            .enumerate()
            .filter(|(i, _)| !chosen.contains(i))
            .map(|(_, e)| e)
            .collect();
        let active_left_out: Vec<u32> = left_out
            .iter()
            .filter(|e| e.active)
            .map(|e| e.intid)
            .collect();
        result.underflow_requested = !left_out.is_empty() && nr_lr >= 2;
        result.npie = left_out.iter().any(|e| !e.active);
        result.lrenpie = !active_left_out.is_empty();
        result.trap_dir = !active_left_out.is_empty();
        self.vcpus[v].flushed = slots;
        self.vcpus[v].left_out_active = active_left_out;
        result
    }

    /// The list register for one ap_list entry (KVM's "populate"). `pending_left_out`: some
    /// pending entry got no register.
    fn populate(&self, vcpu: usize, entry: &ApEntry, pending_left_out: bool) -> Slot {
        let Some(view) = seam::view(&self.gic, vcpu, entry.intid) else {
            return Slot {
                lr: ListRegister::CLEARED,
                ack_source: None,
            };
        };
        let pintid = self.pintid(vcpu, entry.intid);
        let v2_sgi = self.gic.config.version == Version::V2 && entry.intid < 16;
        // The instance an acknowledge takes, as the direct CPU interface picks it: the lowest
        // source CPU of a GICv2 SGI, else the latch (oracle::highest_pending).
        let pending_source =
            (view.sgi_sources != 0).then(|| view.sgi_sources.trailing_zeros() as u8);
        let instances = view.sgi_sources.count_ones() + u32::from(view.latch);
        let (state, source_cpu, another_waits) = match (view.active, view.pending) {
            // One SGI instance per register: the active one now, the pending one after EOI.
            (true, true) if v2_sgi => (LrState::Active, entry.active_source.unwrap_or(0), true),
            // HW = 1: irqsuite never writes active-and-pending; the physical GIC holds the
            // pending state of a hardware interrupt while it is active.
            (true, true) if pintid.is_some() => (LrState::Active, 0, false),
            // Deactivating an active-and-pending register leaves it pending among the
            // registers, ahead of pending entries that got none: when there are such, show it
            // active and resample at EOI, so the next flush puts it in priority order.
            (true, true) if pending_left_out => (LrState::Active, 0, true),
            (true, true) => (LrState::ActivePending, 0, false),
            (true, false) => (LrState::Active, entry.active_source.unwrap_or(0), false),
            (false, _) => (
                LrState::Pending,
                pending_source.unwrap_or(0),
                v2_sgi && instances > 1,
            ),
        };
        let lr = ListRegister {
            vintid: entry.intid,
            pintid,
            priority: view.priority,
            group: view.group,
            state,
            eoi_maintenance: pintid.is_none() && (another_waits || resample(&view)),
            source_cpu: if v2_sgi { source_cpu } else { 0 },
        };
        Slot {
            lr,
            ack_source: pending_source,
        }
    }
}

/// A level-sensitive interrupt's pending state depends on its line, which only the model
/// knows: ask for EOI maintenance to resample it at deactivation.
fn resample(view: &IrqView) -> bool {
    view.level
}
