//! `gic.v2-icpidr2`: the GICv2 distributor's ICPIDR2 (offset 0xfe8) is recorded as an
//! implementation-defined value.
//!
//! Spec: IHI 0048B §4.3.18 (identification registers, offsets 0xfd0-0xffc: their layout is
//! IMPLEMENTATION DEFINED except as that section describes for ICPIDR2.ArchRev).
//!
//! Expected: the read does not fault; the value is recorded, not judged. Why: guests that
//! probe the GIC version read this register (Linux's GICv2 driver does not, but firmware and
//! other kernels do); recording it shows which backends leave it RAZ and which fill in
//! ArchRev = 2.

use guest_kit::regs::gicd;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v2-icpidr2",
    title: "GICv2 ICPIDR2 reads without fault and is recorded as implementation defined",
    spec: "IHI 0048B 4.3.18",
    needs: Needs::GICV2,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let site = Site::Gicd(gicd::PIDR2_V2);
    ctx.read_impl("icpidr2", site, Width::B32, Allowed::Any);
}
