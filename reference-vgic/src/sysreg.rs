//! The GICv3 CPU interface system registers (ICC_*_EL1), Group 1 view of a Non-secure EL1
//! guest with GICD_CTLR.DS == 1 (IHI 0069H §12.2).
//!
//! Invariants:
//! - Only the registers named by [`Sysreg`] exist; on a GICv2 model every access reads 0 and
//!   writes are ignored (a real PE would take an UNDEFINED exception; the caller decides).
//! - Write-only registers (EOIR1, DIR, SGI1R) read 0; read-only ones (IAR1, HPPIR1, RPR)
//!   ignore writes.
//! - ICC_CTLR_EL1: EOImode (bit 1) is RW; CBPR (bit 0) and PMHE (bit 6) are RAZ/WI
//!   (irqsuite's choice); PRIbits [10:8] = pri_bits - 1, IDbits [13:11] = 0 (16-bit INTIDs),
//!   SEIS 0, A3V [15] = 1 (matching GICD_TYPER.A3V), RSS 0, ExtRange 0.
//! - ICC_SRE_EL1 reads 0b111 (SRE, DFB, DIB RAO/WI): system registers are always enabled.

use crate::Gic;
use crate::config::Version;
use crate::cpuif::{AckView, ap0_mask};
use crate::irq::Group;
use crate::sgi;

/// A GICv3 CPU interface system register (the `_EL1` Group 1 view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sysreg {
    /// ICC_IAR1_EL1 (RO): acknowledge.
    Iar1,
    /// ICC_EOIR1_EL1 (WO): end of interrupt.
    Eoir1,
    /// ICC_DIR_EL1 (WO): deactivate.
    Dir,
    /// ICC_HPPIR1_EL1 (RO): highest priority pending Group 1 interrupt.
    Hppir1,
    /// ICC_PMR_EL1: priority mask.
    Pmr,
    /// ICC_BPR1_EL1: Group 1 binary point.
    Bpr1,
    /// ICC_RPR_EL1 (RO): running priority.
    Rpr,
    /// ICC_CTLR_EL1.
    Ctlr,
    /// ICC_IGRPEN1_EL1: Group 1 enable.
    Igrpen1,
    /// ICC_SGI1R_EL1 (WO): generate Group 1 SGIs.
    Sgi1r,
    /// ICC_AP1R0_EL1: Group 1 active priorities, levels 0-31.
    Ap1r0,
    /// ICC_SRE_EL1: system register enable.
    Sre,
}

const CTLR_EOIMODE: u64 = 1 << 1;
const CTLR_A3V: u64 = 1 << 15;
const SRE_RAO: u64 = 0b111;

/// Read `reg` of `cpu` (which the caller has checked exists).
pub(crate) fn read(gic: &mut Gic, cpu: usize, reg: Sysreg) -> u64 {
    if gic.config.version != Version::V3 {
        return 0;
    }
    let config = gic.config;
    match reg {
        Sysreg::Iar1 => u64::from(gic.acknowledge(cpu, AckView::Group1)),
        Sysreg::Hppir1 => u64::from(gic.highest_pending_id(cpu, AckView::Group1)),
        Sysreg::Eoir1 | Sysreg::Dir | Sysreg::Sgi1r => 0,
        Sysreg::Pmr => u64::from(gic.cpuifs[cpu].pmr),
        Sysreg::Bpr1 => u64::from(gic.cpuifs[cpu].bpr[1]),
        Sysreg::Rpr => u64::from(gic.cpuifs[cpu].running_priority(&config)),
        Sysreg::Ctlr => {
            let eoimode = if gic.cpuifs[cpu].eoimode {
                CTLR_EOIMODE
            } else {
                0
            };
            eoimode | u64::from(config.pri_bits - 1) << 8 | CTLR_A3V
        }
        Sysreg::Igrpen1 => u64::from(gic.cpuifs[cpu].enable[1]),
        Sysreg::Ap1r0 => u64::from(gic.cpuifs[cpu].ap[1][0]),
        Sysreg::Sre => SRE_RAO,
    }
}

/// Write `value` to `reg` of `cpu` (which the caller has checked exists).
pub(crate) fn write(gic: &mut Gic, cpu: usize, reg: Sysreg, value: u64) {
    if gic.config.version != Version::V3 {
        return;
    }
    let config = gic.config;
    let intid = (value & 0xff_ffff) as u32;
    match reg {
        Sysreg::Iar1 | Sysreg::Hppir1 | Sysreg::Rpr | Sysreg::Sre => {}
        Sysreg::Eoir1 => gic.end_of_interrupt(cpu, intid, Some(Group::G1)),
        Sysreg::Dir => gic.deactivate_interrupt(cpu, intid),
        Sysreg::Pmr => gic.cpuifs[cpu].pmr = value as u8 & config.priority_mask(),
        Sysreg::Bpr1 => gic.cpuifs[cpu].set_bpr(Group::G1, value, &config),
        Sysreg::Ctlr => gic.cpuifs[cpu].eoimode = value & CTLR_EOIMODE != 0,
        Sysreg::Igrpen1 => gic.cpuifs[cpu].enable[1] = value & 1 != 0,
        Sysreg::Sgi1r => sgi::send_v3_group1(gic, cpu, value),
        Sysreg::Ap1r0 => gic.cpuifs[cpu].ap[1][0] = value as u32 & ap0_mask(&config),
    }
}
