//! `x86.xapic-dfr-models`: DFR written 0x0fff_ffff (cluster) reads 0x0fff_ffff; written
//! 0xffff_ffff (flat) reads 0xffff_ffff.
//!
//! Spec: Intel SDM vol. 3 §11.6.2.2 (Destination Format Register: model bits 31:28, 1111b flat,
//! 0000b cluster; bits 27:0 reserved, read as 1).
//!
//! Expected: the two values. Why: the logical destination model decides which CPUs a logical
//! IPI reaches.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-dfr-models",
    title: "DFR switches between the flat and cluster models; reserved bits read 1",
    spec: "Intel SDM vol. 3 11.6.2.2",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::DFR, lapic::DFR_CLUSTER);
    let cluster = ctx.lapic_read(lapic::DFR);
    ctx.check_eq("cluster-model", cluster.into(), lapic::DFR_CLUSTER.into());
    ctx.lapic_write(lapic::DFR, lapic::DFR_FLAT);
    let flat = ctx.lapic_read(lapic::DFR);
    ctx.check_eq("flat-model", flat.into(), lapic::DFR_FLAT.into());
}
