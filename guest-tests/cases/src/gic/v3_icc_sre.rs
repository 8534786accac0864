//! `gic.v3-icc-sre`: ICC_SRE_EL1.SRE reads 1: the guest's GICv3 CPU interface is the system
//! register one.
//!
//! Spec: IHI 0069H §12.2 (ICC_SRE_EL1: SRE, bit 0, selects the system register interface; it is
//! RAO/WI when the implementation or a higher exception level does not support the
//! memory-mapped interface at EL1; DFB and DIB, bits [2:1], may be RAO/WI) and §1.3.3.
//!
//! Expected: the register is recorded as implementation defined with bit 0 required to be 1.
//! Why: every other ICC_* access in the catalogue depends on it; a hypervisor that leaves SRE
//! clear (or emulates a GICv2 interface) makes those accesses UNDEFINED.

use guest_kit::{Allowed, Case, Ctx, IccReg, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v3-icc-sre",
    title: "ICC_SRE_EL1.SRE reads 1",
    spec: "IHI 0069H 12.2 (ICC_SRE_EL1), 1.3.3",
    needs: Needs::GICV3,
    run,
};

const SRE_SET: Allowed = Allowed::Fixed { mask: 1, value: 1 };

fn run(ctx: &mut Ctx<'_>) {
    ctx.read_impl("icc-sre", Site::Icc(IccReg::Sre), Width::B64, SRE_SET);
}
