//! `gic.ro-id-writes-ignored`: writes to the read-only GICD_TYPER and GICD_IIDR change nothing.
//!
//! Spec: IHI 0048B §4.3.2 and §4.3.3 (GICD_TYPER and GICD_IIDR are RO) and §4.1 (the register
//! map's access types); IHI 0069H §12.9 (GICD_TYPER, GICD_IIDR: RO) and §12.1.
//!
//! Expected: each register reads the same (implementation-defined, recorded) value before and
//! after a 32-bit write of its bitwise complement, and the write does not fault. Why: a vGIC
//! that stores writes to ID registers (a generic "register file" backing) lets one buggy or
//! malicious guest write change what it, or a migrated copy of it, later discovers.

use guest_kit::regs::gicd;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.ro-id-writes-ignored",
    title: "a write of the complement to GICD_TYPER or GICD_IIDR leaves it unchanged",
    spec: "IHI 0048B 4.3.2, 4.3.3; IHI 0069H 12.9 (GICD_TYPER, GICD_IIDR)",
    needs: Needs::ANY_GIC,
    run,
};

const TYPER: Site = Site::Gicd(gicd::TYPER);
const IIDR: Site = Site::Gicd(gicd::IIDR);

fn run(ctx: &mut Ctx<'_>) {
    let before = ctx.read_impl("gicd-typer", TYPER, Width::B32, Allowed::Any);
    ctx.write32(TYPER, !(before as u32));
    let after = ctx.read_impl("gicd-typer-after", TYPER, Width::B32, Allowed::Any);
    ctx.check_eq("typer-unchanged", after, before);

    let before = ctx.read_impl("gicd-iidr", IIDR, Width::B32, Allowed::Any);
    ctx.write32(IIDR, !(before as u32));
    let after = ctx.read_impl("gicd-iidr-after", IIDR, Width::B32, Allowed::Any);
    ctx.check_eq("iidr-unchanged", after, before);
}
