//! fold: the list registers of a vCPU back into the model, after leaving the guest.
//!
//! Invariants:
//! - Fold compares each register with what the last flush wrote into it and replays the
//!   only steps a guest can take on a register: an acknowledge (Pending → Active) and a
//!   deactivation (Active → Invalid, Active+Pending → Pending). Each step is applied to the
//!   model as the direct CPU interface would apply it; nothing else in a register is trusted
//!   (a register whose vINTID changed is ignored).
//! - Pending state is never copied back: the model derives it (latch, or line for a
//!   level-sensitive interrupt), so a level interrupt whose line is still high is pending
//!   again after its deactivation is folded.
//! - EOIcount (IHI 0048B §5.3.2 GICH_HCR.EOICount, IHI 0069H §12.4 ICH_HCR_EL2.EOIcount)
//!   counts deactivating EOIs that found no register. They can only be for the active
//!   entries the flush left out, and a guest EOIs in the reverse order of its acknowledges
//!   (IHI 0048B §3.2.2, IHI 0069H §4.1.1 priority drop order), so fold deactivates the most
//!   recently acknowledged of those first.
//! - After a fold the registers are consumed: a second fold without a flush changes nothing.

use alloc::vec::Vec;

use super::seam;
use super::{Effect, Vgic};
use crate::CpuId;
use crate::config::Version;
use crate::lr::{ListRegister, LrState};

/// A guest step on one list register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Acknowledge,
    Deactivate,
}

/// The guest steps that take a register from `old` to `new` (IHI 0048B §5.2, IHI 0069H
/// §4.4: a virtual acknowledge makes a pending register active, a virtual deactivation
/// removes the active state). Impossible transitions replay nothing.
fn steps(old: LrState, new: LrState) -> &'static [Step] {
    use LrState::*;
    use Step::*;
    match (old, new) {
        (Pending, Active) | (Pending, ActivePending) => &[Acknowledge],
        (Pending, Invalid) => &[Acknowledge, Deactivate],
        (Active, Invalid) | (ActivePending, Pending) => &[Deactivate],
        (ActivePending, Active) => &[Deactivate, Acknowledge],
        (ActivePending, Invalid) => &[Deactivate, Acknowledge, Deactivate],
        _ => &[],
    }
}

impl Vgic {
    /// Fold `vcpu`'s list registers `lrs` (as read back after the guest ran, in the order the
    /// last [`Vgic::flush`] returned them) and the EOIcount the hardware accumulated into the
    /// model. Returns what the hypervisor must do outside the model: physical deactivations
    /// of hardware interrupts that were deactivated without their register.
    pub fn fold(&mut self, vcpu: CpuId, lrs: &[ListRegister], eoi_count: u32) -> Vec<Effect> {
        let Some(v) = self.vcpu_index(vcpu) else {
            return Vec::new();
        };
        let slots = core::mem::take(&mut self.vcpus[v].flushed);
        let left_out = core::mem::take(&mut self.vcpus[v].left_out_active);
        let v2 = self.gic.config.version == Version::V2;
        let mut acks = Vec::new();
        for (i, slot) in slots.iter().enumerate() {
            let old = slot.lr;
            let new = lrs.get(i).copied().unwrap_or(old);
            if new.vintid != old.vintid {
                continue;
            }
            for step in steps(old.state, new.state) {
                match step {
                    Step::Acknowledge => {
                        seam::acknowledge(&mut self.gic, v, old.vintid, slot.ack_source);
                        acks.push((old.priority, old.vintid, old.source_cpu));
                    }
                    Step::Deactivate => seam::deactivate(&mut self.gic, v, old.vintid),
                }
            }
        }
        // Nested acknowledges between two exits preempted each other, so the lower priority
        // came first.
        acks.sort_by_key(|a| core::cmp::Reverse(a.0));
        self.sync(v);
        for (_, intid, source) in acks {
            self.acks += 1;
            let n = self.acks;
            if let Some(e) = self.vcpus[v].ap_list.get_mut(intid)
                && e.active
            {
                e.activated = n;
                e.active_source = (v2 && intid < 16).then_some(source);
            }
        }
        let effects = self.retire_eoi_count(v, &left_out, eoi_count);
        self.sync(v);
        effects
    }

    /// Deactivate `count` of the active entries that were not in a register, most recently
    /// acknowledged first.
    fn retire_eoi_count(&mut self, v: usize, left_out: &[u32], count: u32) -> Vec<Effect> {
        let mut candidates: Vec<(u64, u32)> = left_out
            .iter()
            .filter_map(|&intid| self.vcpus[v].ap_list.get(intid))
            .filter(|e| e.active)
            .map(|e| (e.activated, e.intid))
            .collect();
        candidates.sort_by(|a, b| b.cmp(a));
        let mut effects = Vec::new();
        for (_, intid) in candidates.into_iter().take(count as usize) {
            seam::deactivate(&mut self.gic, v, intid);
            effects.extend(self.pintid(v, intid).map(Effect::DeactivatePhysical));
        }
        effects
    }
}
