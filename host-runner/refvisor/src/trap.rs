//! What a vCPU exit is and what refvisor does about it (Arm ARM D19.2 ESR_EL2 and the ISS
//! encodings of D17.2): stage-2 data aborts (EC 0x24) on the GIC are emulated through the
//! model's register tables, on the UART by `guest_uart`; trapped GIC system registers (EC 0x18:
//! ICC_SGI1R_EL1 because HCR_EL2.IMO is set, ICC_DIR_EL1 under ICH_HCR_EL2.TDIR); SMC (EC 0x17,
//! PSCI); physical IRQs (the maintenance interrupt, the virtual timer, kicks). Anything else is
//! reported with ESR, ELR and FAR, and the machine powers off.

use reference_vgic::{CpuId, Frame as GicFrame};

use crate::console::say;
use crate::hw::{self, Hw};
use crate::vectors::{Frame, Kind};
use crate::world::{self, Cause};
use crate::{guest_uart, psci, smp, sysreg};

/// Exception classes (ESR_EL2.EC).
const EC_HVC64: u64 = 0x16;
const EC_SMC64: u64 = 0x17;
const EC_SYSREG: u64 = 0x18;
const EC_DABT_LOWER: u64 = 0x24;

/// GICv3 redistributor: 128 KiB per CPU, RD_base then SGI_base (IHI 0069H §12.10).
const GICR_STRIDE: usize = 0x2_0000;
const GICR_FRAME: usize = 0x1_0000;

/// A data abort's access, from a valid ISS (ISV = 1, Arm ARM D17.2.40).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Access {
    /// Bytes: 1, 2, 4, 8 (SAS).
    width: u8,
    /// SSE: a sign-extending load.
    sign_extend: bool,
    /// SRT: the register.
    reg: usize,
    /// SF: a 64-bit register.
    sixty_four: bool,
    /// WnR.
    write: bool,
}

impl Access {
    fn decode(esr: u64) -> Option<Access> {
        (esr & (1 << 24) != 0).then(|| Access {
            width: 1 << ((esr >> 22) & 3),
            sign_extend: esr & (1 << 21) != 0,
            reg: ((esr >> 16) & 0x1f) as usize,
            sixty_four: esr & (1 << 15) != 0,
            write: esr & (1 << 6) != 0,
        })
    }

    /// The value a load of `raw` leaves in the register.
    fn loaded(&self, raw: u64) -> u64 {
        let bits = u32::from(self.width) * 8;
        let raw = if bits < 64 {
            raw & ((1 << bits) - 1)
        } else {
            raw
        };
        let value = if self.sign_extend && bits < 64 {
            let shift = 64 - bits;
            (((raw << shift) as i64) >> shift) as u64
        } else {
            raw
        };
        if self.sixty_four {
            value
        } else {
            value & 0xffff_ffff
        }
    }
}

/// A trapped system register access (ISS of EC 0x18, Arm ARM D17.2.37).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SysregAccess {
    /// (Op0, Op1, CRn, CRm, Op2).
    encoding: (u8, u8, u8, u8, u8),
    /// Rt.
    reg: usize,
    /// Direction: a read (MRS).
    read: bool,
}

impl SysregAccess {
    fn decode(esr: u64) -> SysregAccess {
        let f = |shift: u32, bits: u32| ((esr >> shift) & ((1 << bits) - 1)) as u8;
        SysregAccess {
            encoding: (f(20, 2), f(14, 3), f(10, 4), f(1, 4), f(17, 3)),
            reg: f(5, 5) as usize,
            read: esr & 1 != 0,
        }
    }
}

/// ICC_SGI1R_EL1 and ICC_DIR_EL1 (IHI 0069H §12.2).
const ICC_SGI1R_EL1: (u8, u8, u8, u8, u8) = (3, 0, 12, 11, 5);
const ICC_DIR_EL1: (u8, u8, u8, u8, u8) = (3, 0, 12, 11, 1);

/// Handles one exception taken to EL2.
pub fn handle(frame: &mut Frame, kind: Kind) {
    let cpu = smp::current();
    match kind {
        Kind::LowerSync => sync(cpu, frame),
        Kind::LowerIrq => irq(cpu),
        _ => fatal(cpu, "unexpected exception", kind),
    }
}

fn fatal(cpu: usize, what: &str, kind: Kind) -> ! {
    say!(
        "cpu {cpu}: {what} ({kind:?}): ESR {:#x} ELR {:#x} FAR {:#x} HPFAR {:#x}",
        sysreg::read_esr_el2(),
        sysreg::read_elr_el2(),
        sysreg::read_far_el2(),
        sysreg::read_hpfar_el2()
    );
    psci::system_off()
}

fn skip_instruction() {
    sysreg::write_elr_el2(sysreg::read_elr_el2() + 4);
}

fn sync(cpu: usize, frame: &mut Frame) {
    let esr = sysreg::read_esr_el2();
    match esr >> 26 {
        EC_DABT_LOWER => {
            let Some(access) = Access::decode(esr) else {
                fatal(
                    cpu,
                    "guest MMIO access without syndrome (ISV = 0)",
                    Kind::LowerSync,
                )
            };
            mmio(cpu, frame, Ipa::of_abort(), access);
            skip_instruction();
        }
        EC_SYSREG => {
            sysreg_trap(cpu, frame, SysregAccess::decode(esr));
            skip_instruction();
        }
        EC_SMC64 => {
            psci::handle(frame);
            skip_instruction();
        }
        // No hypervisor calls: NOT_SUPPORTED (SMCCC), the return address is already past it.
        EC_HVC64 => frame.set(0, u64::MAX),
        _ => fatal(cpu, "unhandled trap", Kind::LowerSync),
    }
}

/// Where a guest MMIO access lands.
enum Target {
    Gic(GicFrame, u32),
    GicvDir,
    Uart(u32),
    Nothing,
}

/// A guest physical (intermediate physical) address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ipa(usize);

impl Ipa {
    /// The faulting IPA of a stage-2 abort: HPFAR_EL2.FIPA \[43:4\] is IPA \[51:12\], FAR_EL2
    /// gives the offset in the page (Arm ARM D19.2 HPFAR_EL2).
    fn of_abort() -> Ipa {
        Ipa(((sysreg::read_hpfar_el2() & !0xf) << 8) as usize
            | (sysreg::read_far_el2() & 0xfff) as usize)
    }
}

fn target(Ipa(ipa): Ipa) -> Target {
    let machine = crate::machine();
    let uart = machine.uart;
    if ipa >= uart && ipa < uart + guest_uart::SIZE {
        return Target::Uart((ipa - uart) as u32);
    }
    match machine.gic {
        crate::dt::Gic::V3 { gicd, gicr } => {
            if gicd.contains(ipa) {
                return Target::Gic(GicFrame::Distributor, (ipa - gicd.base) as u32);
            }
            if gicr.contains(ipa) {
                let off = ipa - gicr.base;
                let rd = CpuId((off / GICR_STRIDE).min(255) as u8);
                let within = off % GICR_STRIDE;
                let frame = if within < GICR_FRAME {
                    GicFrame::Redistributor(rd)
                } else {
                    GicFrame::RedistributorSgi(rd)
                };
                return Target::Gic(frame, (within % GICR_FRAME) as u32);
            }
        }
        crate::dt::Gic::V2 { gicd, gicc, .. } => {
            if gicd.contains(ipa) {
                return Target::Gic(GicFrame::Distributor, (ipa - gicd.base) as u32);
            }
            // The DIR page, never mapped: every DIR traps (stage2, world).
            if ipa == gicc.base + 0x1000 {
                return Target::GicvDir;
            }
        }
    }
    Target::Nothing
}

fn mmio(cpu: usize, frame: &mut Frame, ipa: Ipa, access: Access) {
    match target(ipa) {
        Target::Uart(offset) => {
            if access.write {
                guest_uart::write(cpu, offset, frame.get(access.reg));
            } else {
                frame.set(access.reg, access.loaded(guest_uart::read(offset)));
            }
        }
        Target::Gic(gic_frame, offset) => {
            if access.write {
                let value = frame.get(access.reg);
                world::exit(cpu, |w| {
                    w.mmio_write(cpu, gic_frame, offset, access.width, value)
                });
            } else {
                let raw =
                    world::read_only(cpu, |w| w.mmio_read(cpu, gic_frame, offset, access.width));
                frame.set(access.reg, access.loaded(raw));
            }
        }
        Target::GicvDir => {
            if access.write {
                let value = frame.get(access.reg);
                world::exit(cpu, |w| w.dir(cpu, value));
            } else {
                frame.set(access.reg, 0);
            }
        }
        Target::Nothing => {
            say!(
                "cpu {cpu}: guest access to unmapped IPA {:#x} (RAZ/WI)",
                ipa.0
            );
            if !access.write {
                frame.set(access.reg, 0);
            }
        }
    }
}

fn sysreg_trap(cpu: usize, frame: &mut Frame, access: SysregAccess) {
    let value = frame.get(access.reg);
    match (access.encoding, access.read) {
        (ICC_SGI1R_EL1, false) => world::exit(cpu, |w| w.sgi1r(cpu, value)),
        (ICC_DIR_EL1, false) => world::exit(cpu, |w| w.dir(cpu, value)),
        (encoding, read) => {
            say!("cpu {cpu}: trapped system register {encoding:?} read={read} (RAZ/WI)");
            if read {
                frame.set(access.reg, 0);
            }
        }
    }
}

/// A physical interrupt while the guest ran.
fn irq(cpu: usize) {
    let hw: Hw = world::hw();
    let acked = hw.acknowledge();
    match acked.intid {
        i if i >= hw::SPURIOUS - 3 => {}
        hw::MAINTENANCE => {
            hw.priority_drop(&acked);
            hw.deactivate_acked(&acked);
            world::interrupted(cpu, Cause::Maintenance);
        }
        // Stays active (EOImode 1) until the guest deactivates the virtual one, or refvisor
        // releases it (world).
        hw::VTIMER => {
            hw.priority_drop(&acked);
            world::interrupted(cpu, Cause::Other);
        }
        _ => {
            hw.priority_drop(&acked);
            hw.deactivate_acked(&acked);
            world::interrupted(cpu, Cause::Other);
        }
    }
}
