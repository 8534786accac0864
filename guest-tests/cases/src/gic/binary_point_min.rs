//! `gic.binary-point-min`: writing 0 to the binary point sets the implementation's minimum,
//! which lies in the range the implemented priority bits allow; a value above it reads back.
//!
//! Spec: IHI 0048B §4.4.3 (GICC_BPR: the minimum value is IMPLEMENTATION DEFINED; a write below
//! it sets the minimum) and §3.3.3 (at least 16 levels, so the minimum is at most 3); IHI 0069H
//! §12.2 (ICC_BPR1_EL1: the minimum is the Group 0 minimum plus one, a write below it sets it)
//! and §4.8.3.
//!
//! Expected: after a write of 0 the register reads the minimum, recorded as implementation
//! defined within 0..=3 (GICv2) or 1..=4 (GICv3, Group 1); after a write of 7 it reads 7 (no
//! preemption at all: every bit is subpriority). Why: guests that probe the binary point (or
//! save and restore it across suspend) get a value a vGIC must keep consistent with what its
//! list registers (ICH_VMCR.VBPR1) can represent.

use guest_kit::regs::gicc;
use guest_kit::{Allowed, Case, Ctx, IccReg, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.binary-point-min",
    title: "BPR: a write of 0 sets the implementation's minimum; 7 reads back",
    spec: "IHI 0048B 4.4.3, 3.3.3; IHI 0069H 12.2 (ICC_BPR1_EL1), 4.8.3",
    needs: Needs::ANY_GIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let (site, width) = (ctx.cpuif(gicc::BPR, IccReg::Bpr1), ctx.cpuif_width());
    let allowed = if ctx.info().gic.has_sysregs() {
        Allowed::Range(1, 4)
    } else {
        Allowed::Range(0, 3)
    };
    ctx.write(site, width, 0);
    ctx.read_impl("bpr-minimum", site, width, allowed);
    ctx.write(site, width, 7);
    let got = ctx.read(site, width);
    ctx.check_eq("bpr-7", got, 7);
    ctx.write(site, width, 0);
}
