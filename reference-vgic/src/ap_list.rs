//! The per-vCPU ap_list: the interrupts that are active on, or pending for, one vCPU, in the
//! one order the list-register layer uses (the shape of KVM's and Xen's "new VGIC", whose
//! design explains the order: active interrupts first, because a guest and the GIC expect them
//! to stay in the list registers until they are deactivated; then pending ones, highest
//! priority first, so that those go into the list registers first).
//!
//! Invariants:
//! - At most one entry per INTID (a GICv2 SGI pending from several sources is one entry: the
//!   sources are state of the interrupt, not of the list).
//! - After [`ApList::queue`] and [`ApList::prune`] the entries are sorted by [`ap_cmp`], the
//!   only comparison used for the list: active before not active, then pending before not
//!   pending, then priority (0 first), then INTID.
//! - An entry's `active`/`pending`/`priority` are a snapshot of the model taken when it was
//!   last queued; the model stays the authority. `activated` and `active_source` are the only
//!   state the list adds: what the hypervisor learnt when the guest acknowledged the entry.

use alloc::vec::Vec;
use core::cmp::Ordering;

/// One interrupt on a vCPU's ap_list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApEntry {
    /// INTID.
    pub intid: u32,
    /// Active (snapshot).
    pub active: bool,
    /// Pending and deliverable to this vCPU: enabled, group enabled, routed here (snapshot).
    pub pending: bool,
    /// Priority (snapshot).
    pub priority: u8,
    /// When the guest acknowledged it through a list register: a number that grows with each
    /// acknowledge (0 if it became active some other way, e.g. GICD_ISACTIVER).
    pub activated: u64,
    /// GICv2 SGIs: the source CPU of the acknowledged (active) instance.
    pub active_source: Option<u8>,
}

impl ApEntry {
    /// An entry with no acknowledge history.
    pub fn new(intid: u32, active: bool, pending: bool, priority: u8) -> ApEntry {
        ApEntry {
            intid,
            active,
            pending,
            priority,
            activated: 0,
            active_source: None,
        }
    }
}

/// The one ap_list order: active first, then pending, then by priority, then by INTID.
pub fn ap_cmp(a: &ApEntry, b: &ApEntry) -> Ordering {
    b.active
        .cmp(&a.active)
        .then(b.pending.cmp(&a.pending))
        .then(a.priority.cmp(&b.priority))
        .then(a.intid.cmp(&b.intid))
}

/// What [`ApList::prune`] does with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Still pending or active for this vCPU.
    Keep,
    /// Neither pending nor active any more: retire it.
    Drop,
    /// Its target changed: move it to that vCPU's list.
    MoveTo(usize),
}

/// One vCPU's ap_list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApList {
    entries: Vec<ApEntry>,
}

impl ApList {
    /// An empty list.
    pub fn new() -> ApList {
        ApList::default()
    }

    /// The entries, in [`ap_cmp`] order.
    pub fn entries(&self) -> &[ApEntry] {
        &self.entries
    }

    /// The entry for `intid`, if listed.
    pub fn get(&self, intid: u32) -> Option<&ApEntry> {
        self.entries.iter().find(|e| e.intid == intid)
    }

    /// The entry for `intid`, mutably.
    pub(crate) fn get_mut(&mut self, intid: u32) -> Option<&mut ApEntry> {
        self.entries.iter_mut().find(|e| e.intid == intid)
    }

    /// Add an interrupt that became pending or active for this vCPU, or refresh the snapshot
    /// of one already listed (keeping its acknowledge history), and restore the order.
    pub fn queue(&mut self, entry: ApEntry) {
        let entry = match self.entries.iter().position(|e| e.intid == entry.intid) {
            Some(i) => {
                let old = self.entries.remove(i);
                ApEntry {
                    activated: if entry.active { old.activated } else { 0 },
                    active_source: if entry.active {
                        old.active_source
                    } else {
                        None
                    },
                    ..entry
                }
            }
            None => entry,
        };
        let at = self
            .entries
            .partition_point(|e| ap_cmp(e, &entry) == Ordering::Less);
        self.entries.insert(at, entry);
    }

    /// Apply `verdict` to every entry: keep it, drop it, or take it out to move it. Returns
    /// the entries to move with their new vCPU, in list order.
    pub fn prune(&mut self, mut verdict: impl FnMut(&ApEntry) -> Verdict) -> Vec<(usize, ApEntry)> {
        let mut moved = Vec::new();
        self.entries.retain(|e| match verdict(e) {
            Verdict::Keep => true,
            Verdict::Drop => false,
            Verdict::MoveTo(vcpu) => {
                moved.push((vcpu, *e));
                false
            }
        });
        self.entries.sort_by(ap_cmp);
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &ApList) -> Vec<u32> {
        list.entries().iter().map(|e| e.intid).collect()
    }

    #[test]
    fn active_entries_sort_before_pending_ones() {
        let mut l = ApList::new();
        l.queue(ApEntry::new(40, false, true, 0x00));
        l.queue(ApEntry::new(41, true, false, 0xf0));
        assert_eq!(ids(&l), [41, 40]);
    }

    #[test]
    fn pending_entries_sort_by_priority_then_intid() {
        let mut l = ApList::new();
        l.queue(ApEntry::new(50, false, true, 0x80));
        l.queue(ApEntry::new(45, false, true, 0x80));
        l.queue(ApEntry::new(60, false, true, 0x10));
        assert_eq!(ids(&l), [60, 45, 50]);
    }

    #[test]
    fn queue_refreshes_an_entry_and_keeps_its_acknowledge_history() {
        let mut l = ApList::new();
        l.queue(ApEntry {
            activated: 7,
            ..ApEntry::new(40, true, false, 0x80)
        });
        l.queue(ApEntry::new(40, true, true, 0x40));
        assert_eq!(l.entries().len(), 1);
        assert_eq!(
            l.get(40).map(|e| (e.activated, e.priority)),
            Some((7, 0x40))
        );
    }

    #[test]
    fn prune_drops_and_moves() {
        let mut l = ApList::new();
        for n in [40, 41, 42] {
            l.queue(ApEntry::new(n, false, true, 0));
        }
        let moved = l.prune(|e| match e.intid {
            40 => Verdict::Drop,
            41 => Verdict::MoveTo(1),
            _ => Verdict::Keep,
        });
        assert_eq!(ids(&l), [42]);
        assert_eq!(moved.len(), 1);
        assert_eq!((moved[0].0, moved[0].1.intid), (1, 41));
    }
}
