//! The reference model as a [`Platform`]: cases run against `reference-vgic` in-process.
//!
//! Time is injected: [`Platform::delay`] advances the virtual count by [`TICKS_PER_DELAY`], and
//! the virtual timer's output drives PPI 27 of CPU 0 as a level-sensitive line.

use guest_kit::{Fault, GicVersion, IccReg, Platform, RdFrame, Site, TargetInfo, TimerReg, Width};
use reference_vgic::{CpuId, Frame, Gic, GicConfig, Sysreg, Version, VirtualTimer};

/// How far the model's virtual count moves per [`Platform::delay`].
pub const TICKS_PER_DELAY: u64 = 10;

/// The accessing CPU: every case runs on CPU 0 for now.
const CPU0: CpuId = CpuId(0);

/// `reference-vgic` plus a virtual timer behind the guest kit's platform seam.
pub struct ModelPlatform {
    gic: Gic,
    timer: VirtualTimer,
    now: u64,
    info: TargetInfo,
}

impl ModelPlatform {
    /// A fresh model shaped like `info` (GIC version, CPUs, interrupt lines, priority bits).
    pub fn new(info: TargetInfo) -> Self {
        let version = match info.gic {
            GicVersion::V2 => Version::V2,
            GicVersion::V3 | GicVersion::V4 => Version::V3,
        };
        let config = GicConfig::new(version, info.cpus, info.it_lines, info.pri_bits);
        ModelPlatform {
            gic: Gic::new(config),
            timer: VirtualTimer::new(),
            now: 0,
            info,
        }
    }

    fn sync_timer_line(&mut self) {
        let level = self.timer.output(self.now);
        self.gic
            .set_line(CPU0, guest_kit::IntId::VIRTUAL_TIMER.raw(), level);
    }

    fn sysreg(&self, reg: IccReg) -> Result<Sysreg, Fault> {
        if !self.info.gic.has_sysregs() {
            // No GICv3 CPU interface: the system register encodings are UNDEFINED (EC 0).
            return Err(Fault {
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

impl ModelPlatform {
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

impl Platform for ModelPlatform {
    fn info(&self) -> TargetInfo {
        self.info
    }

    fn read(&mut self, site: Site, width: Width) -> Result<u64, Fault> {
        Ok(match self.route(site)? {
            Route::Mmio(frame, offset) => self.gic.mmio_read(CPU0, frame, offset, width.bytes()),
            Route::Sysreg(reg) => self.gic.sysreg_read(CPU0, reg),
            Route::Timer(reg) => self.timer.read(reg, self.now),
        })
    }

    fn write(&mut self, site: Site, width: Width, value: u64) -> Result<(), Fault> {
        match self.route(site)? {
            Route::Mmio(frame, offset) => {
                self.gic
                    .mmio_write(CPU0, frame, offset, width.bytes(), value);
            }
            Route::Sysreg(reg) => self.gic.sysreg_write(CPU0, reg, value),
            Route::Timer(reg) => {
                self.timer.write(reg, value, self.now);
                self.sync_timer_line();
            }
        }
        Ok(())
    }

    fn delay(&mut self) {
        self.now += TICKS_PER_DELAY;
        self.sync_timer_line();
    }
}
