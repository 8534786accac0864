//! The GIC model as a [`Platform`]: Arm cases run against `reference-vgic` in-process.
//!
//! Time is injected: [`Platform::delay`] advances the virtual count by [`TICKS_PER_DELAY`], and
//! each CPU's virtual timer drives that CPU's PPI 27 as a level-sensitive line. Accesses come
//! from the current CPU, which [`Platform::on_cpu`] switches.

use guest_kit::inject::{Inject, Refused};
use guest_kit::{
    CpuOffline, Fault, GicVersion, IccReg, Platform, RdFrame, Site, TargetInfo, TimerReg, Width,
};
use reference_vgic::{CpuId, Frame, Gic, GicConfig, ItsConfig, Sysreg, Version, VirtualTimer};

/// How far the model's virtual count moves per [`Platform::delay`].
pub const TICKS_PER_DELAY: u64 = 10;

/// `reference-vgic` plus a virtual timer behind the guest kit's platform seam.
pub struct GicModel {
    gic: Gic,
    /// One virtual timer per CPU.
    timers: Vec<VirtualTimer>,
    /// The accessing CPU.
    cpu: CpuId,
    now: u64,
    info: TargetInfo,
}

impl GicModel {
    /// A fresh model shaped like `info` (GIC version, CPUs, interrupt lines, priority bits).
    pub fn new(info: TargetInfo) -> Self {
        let version = match info.gic {
            GicVersion::V2 => Version::V2,
            GicVersion::V3 | GicVersion::V4 => Version::V3,
        };
        let config = GicConfig::new(version, info.cpus, info.it_lines, info.pri_bits);
        // An ITS brings LPIs; 16 INTID bits like QEMU's and KVM's GICv3.
        let config = match info.its {
            true => config.with_lpis(16).with_its(ItsConfig::default()),
            false => config,
        };
        let config = match info.lpi_clearable {
            true => config.with_clearable_enable_lpis(),
            false => config,
        };
        GicModel {
            gic: Gic::new(config),
            timers: vec![VirtualTimer::new(); usize::from(info.cpus.max(1))],
            cpu: CpuId(0),
            now: 0,
            info,
        }
    }

    fn sync_timer_lines(&mut self) {
        for (cpu, timer) in self.timers.iter().enumerate() {
            let level = timer.output(self.now);
            let cpu = CpuId(cpu as u8);
            self.gic
                .set_line(cpu, guest_kit::IntId::VIRTUAL_TIMER.raw(), level);
        }
    }

    fn timer(&mut self) -> &mut VirtualTimer {
        &mut self.timers[usize::from(self.cpu.0)]
    }

    fn sysreg(&self, reg: IccReg) -> Result<Sysreg, Fault> {
        if !self.info.gic.has_sysregs() {
            // No GICv3 CPU interface: the system register encodings are UNDEFINED (EC 0).
            return Err(Fault::Abort {
                esr: 0x0200_0000,
                far: 0,
            });
        }
        Ok(match reg {
            IccReg::Iar1 => Sysreg::Iar1,
            IccReg::Eoir1 => Sysreg::Eoir1,
            IccReg::Dir => Sysreg::Dir,
            IccReg::Hppir1 => Sysreg::Hppir1,
            IccReg::Pmr => Sysreg::Pmr,
            IccReg::Bpr1 => Sysreg::Bpr1,
            IccReg::Rpr => Sysreg::Rpr,
            IccReg::Ctlr => Sysreg::Ctlr,
            IccReg::Igrpen1 => Sysreg::Igrpen1,
            IccReg::Sgi1r => Sysreg::Sgi1r,
            IccReg::Ap1r0 => Sysreg::Ap1r0,
            IccReg::Sre => Sysreg::Sre,
        })
    }
}

/// Where a kit [`Site`] goes in the model.
enum Route {
    Mmio(Frame, u32),
    Sysreg(Sysreg),
    Timer(reference_vgic::TimerReg),
}

impl GicModel {
    fn route(&self, site: Site) -> Result<Route, Fault> {
        Ok(match site {
            Site::Gicd(offset) => Route::Mmio(Frame::Distributor, offset),
            Site::Gicc(offset) => Route::Mmio(Frame::CpuInterface, offset),
            Site::Gicr {
                cpu,
                frame: RdFrame::Rd,
                offset,
            } => Route::Mmio(Frame::Redistributor(CpuId(cpu)), offset),
            Site::Gicr {
                cpu,
                frame: RdFrame::Sgi,
                offset,
            } => Route::Mmio(Frame::RedistributorSgi(CpuId(cpu)), offset),
            Site::Icc(reg) => Route::Sysreg(self.sysreg(reg)?),
            Site::Timer(reg) => Route::Timer(timer_reg(reg)),
            Site::Gits(offset) => Route::Mmio(Frame::Its, offset),
            // The GIC model has no x86 registers (the x86 model is reference-vtd's).
            Site::Lapic(_) | Site::Msr(_) | Site::Ioapic(_) | Site::Dmar(_) => {
                return Err(Fault::Absent);
            }
        })
    }
}

fn timer_reg(reg: TimerReg) -> reference_vgic::TimerReg {
    match reg {
        TimerReg::Ctl => reference_vgic::TimerReg::Ctl,
        TimerReg::Tval => reference_vgic::TimerReg::Tval,
        TimerReg::Cval => reference_vgic::TimerReg::Cval,
        TimerReg::Count => reference_vgic::TimerReg::Count,
    }
}

impl Platform for GicModel {
    fn info(&self) -> TargetInfo {
        self.info
    }

    fn read(&mut self, site: Site, width: Width) -> Result<u64, Fault> {
        Ok(match self.route(site)? {
            Route::Mmio(frame, offset) => {
                self.gic.mmio_read(self.cpu, frame, offset, width.bytes())
            }
            Route::Sysreg(reg) => self.gic.sysreg_read(self.cpu, reg),
            Route::Timer(reg) => {
                let now = self.now;
                self.timer().read(reg, now)
            }
        })
    }

    fn write(&mut self, site: Site, width: Width, value: u64) -> Result<(), Fault> {
        match self.route(site)? {
            Route::Mmio(frame, offset) => {
                self.gic
                    .mmio_write(self.cpu, frame, offset, width.bytes(), value);
            }
            Route::Sysreg(reg) => self.gic.sysreg_write(self.cpu, reg, value),
            Route::Timer(reg) => {
                let now = self.now;
                self.timer().write(reg, value, now);
                self.sync_timer_lines();
            }
        }
        Ok(())
    }

    fn inject(&mut self, request: Inject) -> Result<(), Refused> {
        match request {
            Inject::Line { intid, high } => self.gic.set_line(self.cpu, intid, high),
            // A device MSI the ITS cannot translate is dropped (IHI 0069H §5.2): that is the
            // ITS's behaviour, not a refusal of the request.
            Inject::Msi { device, event } => {
                let _ = self.gic.its_translate(device, event);
            }
            // An Arm machine has no x86 MSI path.
            Inject::X86Msi { .. } => return Err(request.refusal().1),
        }
        Ok(())
    }

    fn mem_write(&mut self, gpa: u64, data: &[u8]) -> Result<(), Fault> {
        let fault = Fault::Abort { esr: 0, far: gpa };
        self.gic.memory_mut().write(gpa, data).map_err(|_| fault)
    }

    fn mem_read(&mut self, gpa: u64, buf: &mut [u8]) -> Result<(), Fault> {
        let fault = Fault::Abort { esr: 0, far: gpa };
        self.gic.memory().read(gpa, buf).map_err(|_| fault)
    }

    fn delay(&mut self) {
        self.now += TICKS_PER_DELAY;
        self.sync_timer_lines();
    }

    fn on_cpu(&mut self, cpu: u8, f: &mut dyn FnMut(&mut dyn Platform)) -> Result<(), CpuOffline> {
        if cpu >= self.info.cpus {
            return Err(CpuOffline);
        }
        let home = std::mem::replace(&mut self.cpu, CpuId(cpu));
        f(self);
        self.cpu = home;
        Ok(())
    }
}
