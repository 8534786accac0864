//! Software-generated interrupts: decoding GICD_SGIR (GICv2) and ICC_SGI1R_EL1 (GICv3) into
//! pending SGIs on the target CPUs.
//!
//! Invariants:
//! - GICv2 records the source CPU of every SGI in the target's per-source latch, so that
//!   GICC_IAR[12:10] reports it (IHI 0048B §4.3.15, §4.4.4).
//! - GICv3 SGIs have no source: the target's pending latch is set. With GICD_CTLR.DS == 1,
//!   ICC_SGI1R_EL1 only makes an SGI pending at a target where that SGI is configured as
//!   Group 1 (IHI 0069H §12.1 "Forwarding an SGI to a target PE"; irqsuite's reading).
//! - Targets that do not exist are ignored (IHI 0069H ICC_SGI1R_EL1 TargetList: "the bit must
//!   be ignored by the Distributor").

use crate::Gic;
use crate::irq::Group;

/// GICD_SGIR write by `src`: SGIINTID [3:0], NSATT [15] (no effect without the Security
/// Extensions), CPUTargetList [23:16], TargetListFilter [25:24]: 0b00 the list, 0b01 all but
/// the requester, 0b10 the requester only, 0b11 reserved (ignored).
pub(crate) fn send_v2(gic: &mut Gic, src: usize, value: u32) {
    let intid = value & 0xf;
    let cpus = usize::from(gic.config.cpus);
    let list = (value >> 16) & 0xff;
    let targets: u32 = match (value >> 24) & 3 {
        0b00 => list,
        0b01 => 0xff & !(1 << src),
        0b10 => 1 << src,
        _ => 0,
    };
    for cpu in (0..cpus).filter(|c| targets & (1 << c) != 0) {
        if let Some(irq) = gic.irqs.get_mut(cpu, intid) {
            irq.sgi_sources |= 1 << src;
        }
    }
}

/// ICC_SGI1R_EL1 write by `src`: TargetList [15:0], Aff1 [23:16], INTID [27:24], Aff2
/// [39:32], IRM [40] (all but self), RS [47:44] (RES0: ICC_CTLR_EL1.RSS == 0), Aff3 [55:48].
/// The CPUs have affinity 0.0.0.<index>.
pub(crate) fn send_v3_group1(gic: &mut Gic, src: usize, value: u64) {
    let intid = ((value >> 24) & 0xf) as u32;
    let cpus = usize::from(gic.config.cpus);
    let irm = value & (1 << 40) != 0;
    let upper_aff_zero =
        (value >> 16) & 0xff == 0 && (value >> 32) & 0xff == 0 && (value >> 48) & 0xff == 0;
    let list = value & 0xffff;
    let is_target = |cpu: usize| {
        if irm {
            cpu != src
        } else {
            upper_aff_zero && cpu < 16 && list & (1 << cpu) != 0
        }
    };
    for cpu in (0..cpus).filter(|&c| is_target(c)) {
        if let Some(irq) = gic.irqs.get_mut(cpu, intid)
            && irq.group == Group::G1
        {
            irq.pending_latch = true;
        }
    }
}
