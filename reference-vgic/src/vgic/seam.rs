//! The seam between the list-register layer and the distributor model: the few things the
//! hypervisor half needs to read from and do to [`Gic`] state. Nothing else in `vgic` touches
//! `Gic` internals.
//!
//! Invariants:
//! - Reads never change the model. The two writes are exactly the state changes a guest can
//!   make through a list register: an acknowledge ([`acknowledge`], the same `take` the direct
//!   CPU interface uses) and a deactivation ([`deactivate`]).
//! - "Deliverable" is the distributor half of the one oracle (`oracle::highest_pending`):
//!   enabled, pending, its group enabled in GICD_CTLR, routed to the vCPU, and on GICv3 the
//!   redistributor awake. The CPU-interface half (group enables, priority mask, running
//!   priority) belongs to the virtual CPU interface, which only sees list registers.
//! - LPIs are not handled by the list-register layer (not modelled).

use crate::Gic;
use crate::config::Version;
use crate::cpuif;
use crate::irq::{FIRST_SPI, Group, Irq, Trigger};
use crate::oracle::Candidate;

/// What the list-register layer needs to know about one interrupt for one vCPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IrqView {
    pub active: bool,
    /// Pending and deliverable to this vCPU.
    pub pending: bool,
    pub priority: u8,
    pub group: Group,
    pub level: bool,
    /// GICv2 SGI per-source latches.
    pub sgi_sources: u8,
    /// The plain pending latch.
    pub latch: bool,
}

/// The vCPU a pending SPI is delivered to: GICv2 the lowest CPU named by GICD_ITARGETSR (every
/// SPI targets CPU 0 on a uniprocessor, IHI 0048B §4.3.12), GICv3 the PE GICD_IROUTER names,
/// or vCPU 0 for 1-of-N routing (irqsuite's choice of "any participating PE").
pub(crate) fn route(gic: &Gic, irq: &Irq) -> Option<usize> {
    let cpus = usize::from(gic.config.cpus);
    match gic.config.version {
        Version::V2 if cpus == 1 => Some(0),
        Version::V2 => (0..cpus).find(|c| irq.targets & (1 << c) != 0),
        Version::V3 if irq.route.any => Some(0),
        Version::V3 => {
            let [a3, a2, a1, a0] = irq.route.aff;
            let c = usize::from(a0);
            (a3 == 0 && a2 == 0 && a1 == 0 && c < cpus).then_some(c)
        }
    }
}

/// The state of `intid` as `vcpu` sees it, if it exists (SGIs, PPIs, SPIs only).
pub(crate) fn view(gic: &Gic, vcpu: usize, intid: u32) -> Option<IrqView> {
    let irq = gic.irqs.get(vcpu, intid)?;
    let awake = match gic.config.version {
        Version::V2 => true,
        Version::V3 => gic.redists.get(vcpu).is_some_and(|r| !r.processor_sleep),
    };
    let routed = intid < FIRST_SPI || route(gic, irq) == Some(vcpu);
    Some(IrqView {
        active: irq.active,
        pending: irq.enabled
            && irq.is_pending()
            && gic.dist.enable[irq.group.index()]
            && awake
            && routed,
        priority: irq.priority,
        group: irq.group,
        level: irq.trigger == Trigger::Level,
        sgi_sources: irq.sgi_sources,
        latch: irq.pending_latch,
    })
}

/// Whether `intid` (banked for `vcpu`) is active or pending by its latch or line, whether or
/// not it is deliverable: a cheap test that rules out most INTIDs before [`view`].
pub(crate) fn active_or_pending(gic: &Gic, vcpu: usize, intid: u32) -> bool {
    gic.irqs
        .get(vcpu, intid)
        .is_some_and(|irq| irq.active || irq.is_pending())
}

/// Number of INTIDs (SGIs, PPIs, SPIs) that exist.
pub(crate) fn nr_irqs(gic: &Gic) -> u32 {
    gic.irqs.nr_irqs()
}

/// The guest acknowledged `intid` through a list register: its pending latch (or, for a GICv2
/// SGI, the latch of `source`) clears and it becomes active, as on a physical acknowledge.
pub(crate) fn acknowledge(gic: &mut Gic, vcpu: usize, intid: u32, source: Option<u8>) {
    let Some(irq) = gic.irqs.get(vcpu, intid) else {
        return;
    };
    let c = Candidate {
        intid,
        priority: irq.priority,
        group: irq.group,
        source,
    };
    cpuif::take_irq(vcpu, &mut gic.irqs, &c);
}

/// The guest (or the hypervisor on its behalf) deactivated `intid`.
pub(crate) fn deactivate(gic: &mut Gic, vcpu: usize, intid: u32) {
    cpuif::deactivate(vcpu, intid, &mut gic.irqs);
}
