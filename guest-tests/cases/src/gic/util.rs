//! Steps the GIC cases share: the write-1-to-set/clear rule of a register pair, waiting for a
//! redistributor to be awake, the split-EOI set-up of the cross-CPU deactivation cases, and 1 of
//! N delivery of an SPI to two CPUs. Set-up waits and polls are untraced; everything a case
//! judges is traced, under the labels the case passes in or the ones named here.

use guest_kit::gic::PENDING_POLLS;
use guest_kit::regs::gicr::{self, Waker};
use guest_kit::regs::{IrqBank, gicc};
use guest_kit::{Allowed, Ctx, IccReg, IntId, Platform, RdFrame, Site, Width};

/// The special INTID an acknowledge returns when nothing is pending for the CPU.
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

/// A word write of 0 to `set` (and then to `clear`), the write-1-to-set / write-1-to-clear pair
/// for one state of `intid` (enable, pending, active), changes nothing; a 1 sets and clears it
/// (IHI 0048B §4.3.5 to §4.3.10, IHI 0069H §12.9: a write of 0 to a bit has no effect). The state
/// is read back through `set` after each write and checked as `zero-to-set-no-effect`,
/// `set-by-one`, `zero-to-clear-no-effect` and `cleared-by-one`.
pub fn zero_writes_have_no_effect(ctx: &mut Ctx<'_>, set: IrqBank, clear: IrqBank, intid: IntId) {
    let (set_site, _) = ctx.irq_reg(set, intid);
    let (clear_site, _) = ctx.irq_reg(clear, intid);
    ctx.write32(set_site, 0);
    let state = ctx.read_bit(set, intid);
    ctx.check("zero-to-set-no-effect", !state);
    ctx.set_bit(set, intid);
    let state = ctx.read_bit(set, intid);
    ctx.check("set-by-one", state);
    ctx.write32(clear_site, 0);
    let state = ctx.read_bit(set, intid);
    ctx.check("zero-to-clear-no-effect", state);
    ctx.set_bit(clear, intid);
    let state = ctx.read_bit(set, intid);
    ctx.check("cleared-by-one", !state);
}

/// Waits (untraced, bounded) for GICR_WAKER.ChildrenAsleep of CPU `cpu`'s redistributor to
/// read 0, then records GICR_WAKER as the implementation-defined `label`, which must show
/// ProcessorSleep = 0 and ChildrenAsleep = 0 (IHI 0069H §12.11.44: the redistributor of a
/// running PE is awake; §11.1).
pub fn record_waker_awake(ctx: &mut Ctx<'_>, cpu: u8, label: &'static str) {
    let waker = Site::Gicr {
        cpu,
        frame: RdFrame::Rd,
        offset: gicr::WAKER,
    };
    let awake = Allowed::Fixed {
        mask: (Waker::PROCESSOR_SLEEP.bits() | Waker::CHILDREN_ASLEEP.bits()) as u64,
        value: 0,
    };
    let asleep = u64::from(Waker::CHILDREN_ASLEEP.bits());
    for _ in 0..PENDING_POLLS {
        match ctx.raw().read(waker, Width::B32) {
            Ok(v) if v & asleep != 0 => ctx.delay(),
            _ => break,
        }
    }
    ctx.read_impl(label, waker, Width::B32, awake);
}

/// The first half of a cross-CPU deactivation: EOImode = 1 on CPUs 0 and 1, `spi` enabled and
/// made pending, acknowledged on CPU 0 (checked as `cpu0-ack`) and EOIed there, which drops the
/// running priority but leaves it active (IHI 0048B §3.2.1, §4.4.15; IHI 0069H §4.1.1).
pub fn split_ack_and_drop_on_cpu0(ctx: &mut Ctx<'_>, spi: IntId) {
    ctx.set_eoi_mode_split();
    ctx.on_cpu(1, |ctx| ctx.set_eoi_mode_split());
    ctx.enable(spi);
    ctx.set_pending(spi);
    let got = ctx.ack_when_pending();
    ctx.check_eq("cpu0-ack", got.raw().into(), spi.raw().into());
    ctx.eoi(spi);
}

/// The second half: CPU 1 writes `spi` to its deactivate register (GICC_DIR or ICC_DIR_EL1),
/// checks its own running priority is idle (`cpu1-rpr-idle`: the priority drop was CPU 0's)
/// and returns to EOImode = 0. What the deactivation did is the case's to judge.
pub fn deactivate_on_cpu1(ctx: &mut Ctx<'_>, spi: IntId) {
    ctx.on_cpu(1, |ctx| {
        ctx.deactivate(spi);
        let rpr = ctx.running_priority();
        ctx.check_eq("cpu1-rpr-idle", rpr.into(), 0xff);
        ctx.set_eoi_mode_combined();
    });
}

/// The labels a 1 of N case reports under (GICv2 speaks of CPUs, GICv3 of PEs).
pub struct OneOfNLabels {
    /// The implementation-defined choice of CPU (0 or 1).
    pub chosen: &'static str,
    /// The check that the chosen CPU acknowledges the SPI.
    pub chosen_acks: &'static str,
    /// The check that the other CPU acknowledges nothing (1023) meanwhile.
    pub other_sees_nothing: &'static str,
}

/// 1 of N delivery of `spi`, already routed to both CPUs: enables it, makes it pending, records
/// which CPU shows it pending first as `labels.chosen` (IMPLEMENTATION DEFINED: IHI 0048B
/// §3.1.1, IHI 0069H §4.5), checks that CPU acknowledges it and that the other, while it is
/// active, acknowledges nothing (EOIing whatever it took, so no active priority outlives the
/// case), then EOIs it on the chosen CPU.
pub fn one_of_n_delivery(ctx: &mut Ctx<'_>, spi: IntId, labels: &OneOfNLabels) {
    ctx.enable(spi);
    ctx.set_pending(spi);
    let seen = first_to_show(ctx, spi);
    let cpu = ctx.impl_defined(labels.chosen, seen.into(), Allowed::OneOf(&[0, 1])) as u8 & 1;
    ctx.on_cpu(cpu, |ctx| {
        let got = ctx.ack_when_pending();
        ctx.check_eq(labels.chosen_acks, got.raw().into(), spi.raw().into());
    });
    ctx.on_cpu(1 - cpu, |ctx| {
        let got = ctx.ack();
        if !ctx.check_eq(labels.other_sees_nothing, got.raw().into(), SPURIOUS) {
            // Taken twice: end it here too, so no active priority outlives the case.
            ctx.eoi(got);
        }
    });
    ctx.on_cpu(cpu, |ctx| ctx.eoi(spi));
}

/// How many local polls go between two looks from CPU 1.
const CPU1_EVERY: u32 = 64;

/// Polls (untraced) both CPUs' highest priority pending interrupt (GICC_HPPIR, INTID bits
/// [9:0]; or ICC_HPPIR1_EL1, bits [23:0]) until one shows `intid`; 0 when none does.
fn first_to_show(ctx: &mut Ctx<'_>, intid: IntId) -> u8 {
    let site = ctx.cpuif(gicc::HPPIR, IccReg::Hppir1);
    let width = ctx.cpuif_width();
    let mask = if ctx.info().gic.has_sysregs() {
        0xff_ffff
    } else {
        0x3ff
    };
    let want = u64::from(intid.raw());
    let shows = |p: &mut dyn Platform| matches!(p.read(site, width), Ok(v) if v & mask == want);
    for poll in 0..PENDING_POLLS {
        if shows(ctx.raw()) {
            return 0;
        }
        // A look from the other CPU is a round trip through its mailbox (a millisecond or more
        // under a hypervisor that deschedules the idle vCPU): one every CPU1_EVERY polls keeps
        // the whole wait within the runner's case timeout.
        if poll % CPU1_EVERY == CPU1_EVERY - 1 {
            let mut seen = false;
            let _ = ctx.raw().on_cpu(1, &mut |p| seen = shows(p));
            if seen {
                return 1;
            }
        }
        ctx.delay();
    }
    0
}
