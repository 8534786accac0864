//! [`GuestPlatform`]: the kit's [`Platform`] on real (or virtual) hardware. Sites resolve to
//! addresses from the device tree; every access is one instruction under [`guarded`], so a
//! faulting access comes back as a [`Fault`].
//!
//! Every CPU has its own copy (a view of the same frames): the boot CPU's is made by
//! [`GuestPlatform::new`], each secondary's is a clone handed over at bring-up ([`crate::smp`]).
//! The CPU interface, the banked distributor registers and the timer are whichever CPU makes the
//! access, so a view needs no CPU number; `Site::Gicr { cpu, .. }` names a redistributor by
//! discovery index on every CPU.

use core::sync::atomic::{AtomicU32, Ordering};

use guest_kit::inject::{Inject, Injection, Refused, Reply, parse_reply};
use guest_kit::protocol::Record;
use guest_kit::regs::{gicd, gicr};
use guest_kit::{Arch, CpuOffline, Fault, GicVersion, Platform, RdFrame, Site, TargetInfo, Width};

use crate::dt::{Gic, Machine, Region};
use crate::exceptions::guarded;
use crate::{arena, console, mmio, smp, sysreg};

/// Redistributors the guest keeps track of.
pub const MAX_REDISTRIBUTORS: usize = 32;

/// GICR_TYPER.VLPIS: the redistributor has the GICv4 VLPI frames.
const GICR_TYPER_VLPIS: u64 = 1 << 1;
/// How long the guest waits for the host's answer to a request.
const REQUEST_TIMEOUT_S: u64 = 10;

/// The ITS control frame and the translation frame above it (IHI 0069H §12.19).
const GITS_SIZE: usize = 0x2_0000;

/// GICR_TYPER.Last: the last redistributor of its region.
const GICR_TYPER_LAST: u64 = 1 << 4;
/// GICR_WAKER.ProcessorSleep.
const GICR_WAKER_PROCESSOR_SLEEP: u64 = 1 << 1;
/// GICR_WAKER.ChildrenAsleep.
const GICR_WAKER_CHILDREN_ASLEEP: u64 = 1 << 2;
/// ICC_SRE_EL1.SRE.
const ICC_SRE_SRE: u64 = 1 << 0;
/// One 64 KiB frame.
const FRAME: usize = 0x1_0000;
/// A GICv3 redistributor: RD_base and SGI_base.
const RD_STRIDE_V3: usize = 2 * FRAME;
/// A GICv4 redistributor adds VLPI_base and a reserved frame.
const RD_STRIDE_V4: usize = 4 * FRAME;
/// The GICv2 CPU interface when the tree gives no size (IHI 0048B: 8 KiB).
const GICC_SIZE: usize = 0x2000;
/// Polls of GICR_WAKER.ChildrenAsleep before giving up.
const WAKE_POLLS: u32 = 100_000;

/// The machine's interrupt controller and timer, as the kit sees them.
#[derive(Clone)]
pub struct GuestPlatform {
    info: TargetInfo,
    gicd: Region,
    /// GICv2 only; size 0 on GICv3.
    gicc: Region,
    /// The ITS frames (size 0 without an ITS).
    gits: Region,
    /// RD_base of each redistributor, in discovery order.
    redists: [usize; MAX_REDISTRIBUTORS],
    redist_count: usize,
    /// Counter ticks in one microsecond (at least 1).
    ticks_per_us: u64,
}

impl GuestPlatform {
    /// Brings up the CPU interface for the boot CPU ([`Self::bring_up_cpu_interface`]) and
    /// probes what the kit reports in `cfg` (ICC_CTLR_EL1, read to learn PRIbits, needs the
    /// interface up first).
    pub fn new(machine: &Machine) -> GuestPlatform {
        let ticks_per_us = (sysreg::counter_frequency() / 1_000_000).max(1);
        let mut platform = GuestPlatform {
            info: TargetInfo {
                arch: Arch::Aarch64,
                gic: GicVersion::V2,
                cpus: machine.cpus,
                it_lines: 0,
                pri_bits: 0,
                its: machine.its.is_some(),
                lpi_clearable: false,
                inject: Injection::from_bootargs(machine.bootargs),
                arena: arena::ARENA.base(),
                x86: guest_kit::X86Info::NONE,
            },
            gicd: Region::default(),
            gits: machine.its.map_or(Region::default(), |r| Region {
                size: r.size.max(GITS_SIZE),
                ..r
            }),
            gicc: Region::default(),
            redists: [0; MAX_REDISTRIBUTORS],
            redist_count: 0,
            ticks_per_us,
        };
        match machine.gic {
            Gic::V2 { gicd, gicc } => {
                platform.gicd = gicd;
                platform.gicc = Region {
                    size: if gicc.size == 0 { GICC_SIZE } else { gicc.size },
                    ..gicc
                };
            }
            Gic::V3 {
                gicd,
                gicr,
                regions,
                stride,
            } => {
                platform.gicd = gicd;
                platform.info.gic = GicVersion::V3;
                platform.walk_redistributors(&gicr[..regions], stride);
            }
        }
        platform.bring_up_cpu_interface(0);
        platform.probe();
        platform
    }

    /// What the CPU calling it (index `cpu`) needs before the kit's reset can use its CPU
    /// interface: on GICv3, the system-register interface enabled (ICC_SRE_EL1.SRE) and its
    /// redistributor awake (GICR_WAKER, IHI 0069H §11.1). Nothing on GICv2: the kit's reset
    /// enables GICC itself.
    pub fn bring_up_cpu_interface(&mut self, cpu: u8) {
        if !self.info.gic.has_sysregs() {
            return;
        }
        sysreg::write_icc(
            guest_kit::IccReg::Sre,
            sysreg::read_icc(guest_kit::IccReg::Sre) | ICC_SRE_SRE,
        );
        let rd = self.own_redistributor().unwrap_or(cpu);
        self.wake_redistributor(rd);
    }

    /// The discovery index of the redistributor whose GICR_TYPER.Affinity_Value (bits 63:32)
    /// is the calling CPU's MPIDR affinity (Aff3.Aff2.Aff1.Aff0).
    fn own_redistributor(&mut self) -> Option<u8> {
        let mpidr = sysreg::mpidr();
        let affinity = ((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xff_ffff);
        (0..self.redist_count as u8).find(|&rd| {
            let typer = Site::Gicr {
                cpu: rd,
                frame: RdFrame::Rd,
                offset: gicr::TYPER,
            };
            self.read(typer, Width::B64)
                .is_ok_and(|typer| typer >> 32 == affinity)
        })
    }

    /// The number of redistributors found.
    pub fn redistributors(&self) -> usize {
        self.redist_count
    }

    /// Finds every redistributor: frames follow each other in a region, `redistributor-stride`
    /// (or 128 KiB, 256 KiB with VLPIS) apart, until one has GICR_TYPER.Last set.
    fn walk_redistributors(&mut self, regions: &[Region], stride: Option<usize>) {
        for region in regions {
            let end = region.base.saturating_add(region.size.max(RD_STRIDE_V3));
            let mut rd = region.base;
            while rd < end && self.redist_count < MAX_REDISTRIBUTORS {
                // SAFETY: `rd` lies in a redistributor region from the device tree, mapped as
                // device memory; GICR_TYPER reads have no side effect.
                let Ok(typer) =
                    guarded(|| unsafe { mmio::read(rd + gicr::TYPER as usize, Width::B64) })
                else {
                    break;
                };
                self.redists[self.redist_count] = rd;
                self.redist_count += 1;
                if typer & GICR_TYPER_LAST != 0 {
                    break;
                }
                rd += stride.unwrap_or(if typer & GICR_TYPER_VLPIS != 0 {
                    RD_STRIDE_V4
                } else {
                    RD_STRIDE_V3
                });
            }
        }
    }

    /// Clears GICR_WAKER.ProcessorSleep of redistributor `cpu` and waits (bounded) for
    /// ChildrenAsleep to clear.
    fn wake_redistributor(&mut self, cpu: u8) {
        let waker = Site::Gicr {
            cpu,
            frame: RdFrame::Rd,
            offset: gicr::WAKER,
        };
        let Ok(value) = self.read(waker, Width::B32) else {
            return;
        };
        let _ = self.write(waker, Width::B32, value & !GICR_WAKER_PROCESSOR_SLEEP);
        for _ in 0..WAKE_POLLS {
            match self.read(waker, Width::B32) {
                Ok(v) if v & GICR_WAKER_CHILDREN_ASLEEP != 0 => self.delay(),
                _ => return,
            }
        }
    }

    /// Fills in GICv4, ITLinesNumber and the priority bits.
    fn probe(&mut self) {
        let typer = self.read(Site::Gicd(gicd::TYPER), Width::B32).unwrap_or(0);
        self.info.it_lines = (typer & 0x1f) as u8;
        if self.info.gic == GicVersion::V3 {
            let rd_typer = self
                .read(
                    Site::Gicr {
                        cpu: 0,
                        frame: RdFrame::Rd,
                        offset: gicr::TYPER,
                    },
                    Width::B64,
                )
                .unwrap_or(0);
            if rd_typer & GICR_TYPER_VLPIS != 0 {
                self.info.gic = GicVersion::V4;
            }
            let rd_ctlr = Site::Gicr {
                cpu: 0,
                frame: RdFrame::Rd,
                offset: gicr::CTLR,
            };
            // GICR_CTLR.CES (bit 1): EnableLPIs can be cleared (IHI 0069H §12.11).
            let rd_ctlr = self.read(rd_ctlr, Width::B32).unwrap_or(0);
            self.info.lpi_clearable = rd_ctlr & 0b10 != 0;
            let ctlr = self
                .read(Site::Icc(guest_kit::IccReg::Ctlr), Width::B64)
                .unwrap_or(0);
            self.info.pri_bits = ((ctlr >> 8) & 7) as u8 + 1;
        } else {
            self.info.pri_bits = self.probe_v2_priority_bits();
        }
    }

    /// GICv2 has no PRIbits field: write 0xff to the priority byte of SPI 32 (SGI 0 when there
    /// are no SPIs), count the bits that stick, restore the old value.
    fn probe_v2_priority_bits(&mut self) -> u8 {
        let intid = if self.info.it_lines > 0 { 32 } else { 0 };
        let site = Site::Gicd(gicd::IPRIORITYR.base + intid);
        let Ok(old) = self.read(site, Width::B8) else {
            return 0;
        };
        let _ = self.write(site, Width::B8, 0xff);
        let kept = self.read(site, Width::B8).unwrap_or(0);
        let _ = self.write(site, Width::B8, old);
        (kept as u8).leading_ones() as u8
    }

    /// The address of an MMIO site, or `None` when this machine has no such frame.
    fn address(&self, site: Site, width: Width) -> Option<usize> {
        let within = |region: Region, offset: u32| {
            let end = offset as usize + width.bytes() as usize;
            (region.size != 0 && end <= region.size).then(|| region.base + offset as usize)
        };
        match site {
            Site::Gicd(offset) => within(self.gicd, offset),
            Site::Gicc(offset) => within(self.gicc, offset),
            Site::Gicr { cpu, frame, offset } => {
                let rd = *self.redists[..self.redist_count].get(cpu as usize)?;
                let frame_base = match frame {
                    RdFrame::Rd => rd,
                    RdFrame::Sgi => rd + FRAME,
                };
                within(
                    Region {
                        base: frame_base,
                        size: FRAME,
                    },
                    offset,
                )
            }
            Site::Gits(offset) => within(self.gits, offset),
            Site::Icc(_)
            | Site::Timer(_)
            | Site::Lapic(_)
            | Site::Msr(_)
            | Site::Ioapic(_)
            | Site::Dmar(_) => None,
        }
    }
}

/// The fault reported for a site this machine does not have (a GICC frame on GICv3, a
/// redistributor beyond the last): no access was made, so there is no syndrome.
const NO_SUCH_FRAME: Fault = Fault::Absent;

impl Platform for GuestPlatform {
    fn info(&self) -> TargetInfo {
        self.info
    }

    fn read(&mut self, site: Site, width: Width) -> Result<u64, Fault> {
        match site {
            Site::Icc(reg) => guarded(|| sysreg::read_icc(reg) & width.mask()),
            Site::Timer(reg) => guarded(|| sysreg::read_timer(reg) & width.mask()),
            _ => {
                let addr = self.address(site, width).ok_or(NO_SUCH_FRAME)?;
                // SAFETY: `addr` lies in a GIC frame from the device tree, mapped as device
                // memory; a misaligned or unbacked access faults into `guarded`.
                guarded(|| unsafe { mmio::read(addr, width) })
            }
        }
    }

    fn write(&mut self, site: Site, width: Width, value: u64) -> Result<(), Fault> {
        match site {
            Site::Icc(reg) => guarded(|| sysreg::write_icc(reg, value & width.mask())),
            Site::Timer(reg) => guarded(|| sysreg::write_timer(reg, value & width.mask())),
            _ => {
                let addr = self.address(site, width).ok_or(NO_SUCH_FRAME)?;
                // SAFETY: as for `read`: a GIC register, never RAM the program uses.
                guarded(|| unsafe { mmio::write(addr, width, value) })
            }
        }
    }

    /// Prints the request and waits (up to [`REQUEST_TIMEOUT_S`]) for the host's answer on the
    /// console input.
    fn inject(&mut self, request: Inject) -> Result<(), Refused> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let id = NEXT.fetch_add(1, Ordering::SeqCst);
        console::emit(&Record::Request { id, request });
        let deadline = sysreg::counter() + REQUEST_TIMEOUT_S * sysreg::counter_frequency();
        let mut buf = [0; console::INPUT_LINE];
        loop {
            let line = console::read_line(&mut buf, deadline)
                .ok_or(Refused("no answer from the host to a request"))?;
            match parse_reply(line) {
                Some((answer, Reply::Done)) if answer == id => return Ok(()),
                Some((answer, Reply::Refused)) if answer == id => return Err(request.refusal().1),
                _ => continue,
            }
        }
    }

    fn mem_write(&mut self, gpa: u64, data: &[u8]) -> Result<(), Fault> {
        arena::ARENA
            .write(gpa, data)
            .ok_or(Fault::Abort { esr: 0, far: gpa })
    }

    fn mem_read(&mut self, gpa: u64, buf: &mut [u8]) -> Result<(), Fault> {
        arena::ARENA
            .read(gpa, buf)
            .ok_or(Fault::Abort { esr: 0, far: gpa })
    }

    /// `dsb sy; isb`, then about a microsecond on the virtual counter.
    fn delay(&mut self) {
        sysreg::barrier();
        let start = sysreg::counter();
        while sysreg::counter().wrapping_sub(start) < self.ticks_per_us {
            core::hint::spin_loop();
        }
    }

    /// On the calling CPU, `f` runs at once; on another, through its mailbox ([`smp::run_on`]),
    /// while this CPU waits.
    fn on_cpu(&mut self, cpu: u8, f: &mut dyn FnMut(&mut dyn Platform)) -> Result<(), CpuOffline> {
        if usize::from(cpu) == smp::this_cpu() {
            f(self);
            return Ok(());
        }
        smp::run_on(cpu, f)
    }
}
