//! The vGIC of the machine: `reference-vgic`'s [`Vgic`] over its distributor model, the
//! physical hardware ([`Hw`]), how many list registers are used, and the LR trace. One lock
//! around all of it; every vCPU exit that touches interrupt state goes through [`exit`] (a trap,
//! after the other vCPUs folded: [`remote`]), [`read_only`] or [`interrupted`] (a physical
//! interrupt): fold this vCPU's list registers into the model, do the work on the model, flush
//! the model back into the list registers (the model's invariant: distributor accesses come
//! after a fold and before the next flush, `reference_vgic::Vgic`).
//!
//! The virtual timer: virtual INTID 27 of each vCPU is hardware-mapped to the physical PPI 27
//! (`Vgic::map_hw`), so the guest's deactivation deactivates the physical interrupt. Its line
//! in the model is sampled from CNTV_CTL_EL0 (ENABLE, IMASK, ISTATUS, Arm ARM D11.2.4) at every
//! exit. The physical interrupt, once refvisor took it, stays active (EOImode 1) while the
//! model holds it, so a level that stays high does not interrupt refvisor again; when the line
//! fell and no list register holds it, refvisor deactivates it.

use alloc::vec::Vec;

use reference_vgic::lr::ListRegister;
use reference_vgic::lr::maintenance::Hcr;
use reference_vgic::{
    CpuId, Effect, EoiMode, FlushResult, Frame, Gic, GicConfig, Sysreg, Version, Vgic,
};

use spin::Mutex;

use crate::hw::{self, Hw};
use crate::stats::LrStats;
use crate::sysreg;

mod remote;

/// CNTV_CTL_EL0: ENABLE [0], IMASK [1], ISTATUS [2].
const CNTV_ENABLE: u64 = 1 << 0;
const CNTV_IMASK: u64 = 1 << 1;
const CNTV_ISTATUS: u64 = 1 << 2;

/// The vGIC and everything refvisor keeps about it.
pub struct World {
    vgic: Vgic,
    hw: Hw,
    nr_lr: usize,
    /// Per vCPU: the LR trace since the case started, and since boot.
    stats: Vec<LrStats>,
    total: LrStats,
    /// Each vCPU's physical CPU affinity (for kicks).
    mpidr: Vec<u64>,
    /// Per vCPU: the list registers and timer line of its last flush, while the hardware may
    /// still hold exactly them (`None` after a fold).
    loaded: Vec<Option<Loaded>>,
}

/// What the last flush of a vCPU loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Loaded {
    lrs: Vec<ListRegister>,
    timer_line: bool,
}

static WORLD: Mutex<Option<World>> = Mutex::new(None);

/// `refvisor.trace=1`: print every fold and flush with its list registers.
static TRACE: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// Prints every fold and flush from now on.
pub fn trace_every_exit() {
    TRACE.store(true, core::sync::atomic::Ordering::Relaxed);
}

fn tracing() -> bool {
    TRACE.load(core::sync::atomic::Ordering::Relaxed)
}

/// What a vCPU exit did to the model, besides the work itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A maintenance interrupt brought the vCPU out.
    Maintenance,
    /// Anything else (a trapped access, another interrupt, a kick).
    Other,
}

/// Sets the world up: the model shaped like the machine (`cpus` vCPUs, the physical GIC's
/// interrupt lines, 5 priority bits as QEMU's virtual CPU interface), `nr_lr` list registers.
pub fn init(hw: Hw, version: Version, cpus: usize, nr_lr: usize, mpidr: &[u64]) {
    let config = GicConfig::new(version, cpus as u8, hw.it_lines(), 5);
    let mut vgic = Vgic::new(Gic::new(config));
    for cpu in 0..cpus {
        vgic.map_hw(CpuId(cpu as u8), hw::VTIMER, hw::VTIMER);
    }
    *WORLD.lock() = Some(World {
        vgic,
        hw,
        nr_lr,
        stats: alloc::vec![LrStats::default(); cpus],
        total: LrStats::default(),
        mpidr: mpidr.to_vec(),
        loaded: alloc::vec![None; cpus],
    });
}

/// Runs `work`, a trapped access of vCPU `cpu`'s guest to interrupt state, between a fold and
/// a flush of `cpu`. Every other running vCPU whose list registers hold something is first made
/// to fold (kicked, and waited for): the distributor model is the authority only after a fold,
/// and a guest on another vCPU may have acknowledged or deactivated an interrupt in its list
/// registers since its last exit (a read here would see the model without that step).
pub fn exit<R>(cpu: usize, work: impl FnOnce(&mut World) -> R) -> R {
    remote::fold_others(cpu);
    locked_exit_of(cpu, Cause::Other, work)
}

/// As [`exit`] for `work` that only reads the model (a distributor or redistributor read: they
/// have no side effects). When the guest has not touched its list registers since the last
/// flush and the timer line is unchanged, the model is exactly what the hardware shows, so
/// neither a fold nor a flush of `cpu` is needed.
pub fn read_only<R>(cpu: usize, work: impl FnOnce(&mut World) -> R) -> R {
    remote::fold_others(cpu);
    let mut guard = WORLD.lock();
    let world = guard
        .as_mut()
        .expect("world initialised before any guest runs");
    if world.in_sync(cpu) {
        return work(world);
    }
    world.fold(cpu);
    let r = work(world);
    world.flush(cpu);
    r
}

/// A physical interrupt of vCPU `cpu` (`cause`): fold and flush this vCPU only.
pub fn interrupted(cpu: usize, cause: Cause) {
    remote::answered(cpu);
    locked_exit_of(cpu, cause, |_| ());
}

pub(super) fn locked_exit_of<R>(cpu: usize, cause: Cause, work: impl FnOnce(&mut World) -> R) -> R {
    let mut guard = WORLD.lock();
    let world = guard
        .as_mut()
        .expect("world initialised before any guest runs");
    if cause == Cause::Maintenance {
        world.count(cpu, |s| s.mi += 1);
    }
    world.fold(cpu);
    let r = work(world);
    world.flush(cpu);
    drop(guard);
    remote::exited(cpu);
    r
}

/// The physical hardware (no model access).
pub fn hw() -> Hw {
    WORLD
        .lock()
        .as_ref()
        .map(|w| w.hw)
        .expect("world initialised")
}

/// Takes every vCPU's LR trace since the last call (the case that just ended), summed.
pub fn take_stats() -> LrStats {
    let mut guard = WORLD.lock();
    let Some(world) = guard.as_mut() else {
        return LrStats::default();
    };
    let mut sum = LrStats::default();
    for s in &mut world.stats {
        sum.add(&core::mem::take(s));
    }
    world.total.add(&sum);
    sum
}

/// The LR trace since boot (every case's, and this one's so far).
pub fn total_stats() -> LrStats {
    let guard = WORLD.lock();
    let Some(world) = guard.as_ref() else {
        return LrStats::default();
    };
    let mut total = world.total;
    for s in &world.stats {
        total.add(s);
    }
    total
}

impl World {
    fn count(&mut self, cpu: usize, f: impl FnOnce(&mut LrStats)) {
        if let Some(s) = self.stats.get_mut(cpu) {
            f(s);
        }
    }

    /// Whether the hardware still holds exactly what the last flush of `cpu` loaded (list
    /// registers, no EOIcount) and the timer line is as it was: then a fold would replay
    /// nothing and the model needs no update.
    fn in_sync(&self, cpu: usize) -> bool {
        let Some(Some(loaded)) = self.loaded.get(cpu) else {
            return false;
        };
        loaded.timer_line == timer_line()
            && self.hw.read_hcr().eoi_count == 0
            && self.hw.read_lrs(self.nr_lr) == loaded.lrs
    }

    /// Folds `cpu`'s list registers into the model, unless [`World::in_sync`] (then the fold
    /// would change nothing and is not counted).
    fn fold(&mut self, cpu: usize) {
        if self.in_sync(cpu) {
            return;
        }
        if let Some(l) = self.loaded.get_mut(cpu) {
            *l = None;
        }
        let lrs = self.hw.read_lrs(self.nr_lr);
        let eoi_count = match self.hw.guest_eoi_mode() {
            EoiMode::Combined => u32::from(self.hw.read_hcr().eoi_count),
            // With EOImode 1 every DIR of an interrupt the flush left out traps (TDIR, or the
            // unmapped GICv2 DIR page), so EOIcount can only have counted EOIR writes, which
            // only drop the priority: nothing to deactivate. QEMU's virtual CPU interface
            // counts them (IHI 0069H §12.4 ICH_HCR_EL2.EOIcount counts an EOIR without a list
            // register only when EOImode is 0), and GICv2's GICH_HCR.EOICount counts every
            // EOI without one (IHI 0048B §5.3.2).
            EoiMode::Split => 0,
        };
        if tracing() {
            crate::console::say!("fold cpu={cpu} eoicount={eoi_count} lrs={lrs:x?}");
        }
        let effects = self.vgic.fold(CpuId(cpu as u8), &lrs, eoi_count);
        self.count(cpu, |s| {
            s.fold += 1;
            s.eoicount += eoi_count;
        });
        self.apply(&effects);
        let level = timer_line();
        self.vgic
            .gic_mut()
            .set_line(CpuId(cpu as u8), hw::VTIMER, level);
    }

    fn flush(&mut self, cpu: usize) {
        let result = self.vgic.flush(CpuId(cpu as u8), self.nr_lr);
        if tracing() {
            crate::console::say!(
                "flush cpu={cpu} ap_list={:x?} lrs={:x?} hcr={:?}",
                self.vgic
                    .ap_list(CpuId(cpu as u8))
                    .iter()
                    .map(|e| (e.intid, e.active))
                    .collect::<Vec<_>>(),
                result
                    .lrs
                    .iter()
                    .map(|l| (l.vintid, l.state))
                    .collect::<Vec<_>>(),
                result.hcr()
            );
        }
        let overflow = self.vgic.ap_list(CpuId(cpu as u8)).len() > self.nr_lr;
        self.count(cpu, |s| {
            s.flush += 1;
            s.overflow += u32::from(overflow);
            s.uie += u32::from(result.underflow_requested);
            s.npie += u32::from(result.npie);
            s.lrenpie += u32::from(result.lrenpie);
        });
        self.hw.write_lrs(&result.lrs);
        // Every DIR traps, not only when the flush asks (an active entry left out): a guest
        // may deactivate an SPI that is active in another vCPU's list registers (IHI 0069H
        // §4.1.1 and §12.2 ICC_DIR_EL1, IHI 0048B §4.4.15 GICC_DIR), which only the model
        // sees whole. On GICv2 the DIR page is never mapped (stage2).
        self.hw.write_hcr(&Hcr {
            tdir: true,
            ..result.hcr()
        });
        if let Some(l) = self.loaded.get_mut(cpu) {
            *l = Some(Loaded {
                lrs: result.lrs.clone(),
                timer_line: timer_line(),
            });
        }
        self.release_timer(&result);
    }

    /// The physical timer interrupt is deactivated once no list register carries it and its
    /// line is low (the next expiry interrupts refvisor again).
    fn release_timer(&mut self, result: &FlushResult) {
        let listed = result
            .lrs
            .iter()
            .any(|lr| lr.is_valid() && lr.vintid == hw::VTIMER);
        if !listed && !timer_line() && self.hw.ppi_active(hw::VTIMER) {
            self.hw.deactivate(hw::VTIMER);
        }
    }

    fn apply(&mut self, effects: &[Effect]) {
        for effect in effects {
            match *effect {
                Effect::DeactivatePhysical(intid) => self.hw.deactivate(intid),
            }
        }
    }

    /// The guest's MMIO read of the distributor or a redistributor.
    pub fn mmio_read(&mut self, cpu: usize, frame: Frame, offset: u32, width: u8) -> u64 {
        self.vgic
            .gic_mut()
            .mmio_read(CpuId(cpu as u8), frame, offset, width)
    }

    /// The guest's MMIO write; other vCPUs whose interrupts it may have changed are kicked.
    pub fn mmio_write(&mut self, cpu: usize, frame: Frame, offset: u32, width: u8, value: u64) {
        self.vgic
            .gic_mut()
            .mmio_write(CpuId(cpu as u8), frame, offset, width, value);
        self.kick_others(cpu);
    }

    /// The guest's ICC_SGI1R_EL1 write (trapped: HCR_EL2.IMO).
    pub fn sgi1r(&mut self, cpu: usize, value: u64) {
        self.vgic
            .gic_mut()
            .sysreg_write(CpuId(cpu as u8), Sysreg::Sgi1r, value);
        self.kick_others(cpu);
    }

    /// The guest's trapped DIR write (ICH_HCR_EL2.TDIR, or the unmapped GICv2 DIR page).
    pub fn dir(&mut self, cpu: usize, value: u64) {
        let mode = self.hw.guest_eoi_mode();
        if tracing() {
            crate::console::say!("dir cpu={cpu} value={value:#x} mode={mode:?}");
        }
        let effects = self.vgic.emulate_dir(CpuId(cpu as u8), value as u32, mode);
        self.count(cpu, |s| s.dir_traps += 1);
        self.apply(&effects);
    }

    /// A line request of the host's (`req <id> line <intid> <level>`), on behalf of `cpu`.
    pub fn set_line(&mut self, cpu: usize, intid: u32, high: bool) {
        self.vgic.gic_mut().set_line(CpuId(cpu as u8), intid, high);
        self.kick_others(cpu);
    }

    /// Makes every other vCPU that has something for its list registers, or holds something
    /// in them, exit and flush: what this one did may have changed what it must show. One with
    /// neither is left alone (its next flush would load nothing): a guest's burst of
    /// distributor writes (the kit's reset between cases) then costs the idle vCPU no exits.
    fn kick_others(&self, cpu: usize) {
        for (other, &mpidr) in self.mpidr.iter().enumerate() {
            if other == cpu || !crate::smp::is_running(other) {
                continue;
            }
            let holds = self.loaded[other]
                .as_ref()
                .is_none_or(|l| l.lrs.iter().any(|lr| lr.is_valid()));
            if holds || self.vgic.has_work(CpuId(other as u8)) {
                self.hw.kick(other, mpidr);
            }
        }
    }
}

/// The virtual timer's output: enabled, condition met, not masked.
fn timer_line() -> bool {
    let ctl = sysreg::read_cntv_ctl_el0();
    ctl & (CNTV_ENABLE | CNTV_IMASK | CNTV_ISTATUS) == (CNTV_ENABLE | CNTV_ISTATUS)
}
