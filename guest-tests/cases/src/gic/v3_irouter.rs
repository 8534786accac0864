//! `gic.v3-irouter`: GICD_IROUTER of an SPI takes 64-bit accesses and reads back a written
//! affinity; what the 1-of-N mode bit reads back is recorded.
//!
//! Spec: IHI 0069H §12.9 (GICD_IROUTER<n>: 64-bit, Aff3 [39:32], Interrupt_Routing_Mode [31],
//! Aff2/Aff1/Aff0; GICD_TYPER.No1N, bit 25, says whether 1-of-N routing is supported).
//!
//! Expected: a 64-bit write of IRM = 1 reads back as IRM = 1 or 0, an implementation-defined
//! choice that is recorded, not judged: where 1-of-N is not supported (No1N = 1) IRM is RES0,
//! and a RES0 bit of a read/write register may be implemented either as RAZ/WI or as a bit that
//! reads back the last value written (Arm glossary, "RES0"). QEMU 10 keeps the bit. A 64-bit
//! write of 0 (IRM = 0, affinity 0.0.0.0, i.e. CPU 0) reads back 0. Why: Linux routes every SPI
//! with 64-bit IROUTER writes; a vGIC that splits, rejects or drops them leaves SPIs routed
//! nowhere.

use guest_kit::regs::gicd;
use guest_kit::{Allowed, Case, Ctx, IntId, Needs, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "gic.v3-irouter",
    title: "an SPI's GICD_IROUTER reads back a 64-bit write; IRM kept only with 1-of-N",
    spec: "IHI 0069H 12.9 (GICD_IROUTER, GICD_TYPER.No1N)",
    needs: Needs::GICV3,
    run,
};

const SPI: IntId = IntId::spi(3);
const IRM: u64 = 1 << 31;

fn run(ctx: &mut Ctx<'_>) {
    let router = Site::Gicd(gicd::IROUTER + 8 * SPI.raw());
    ctx.gicd_typer();
    ctx.write(router, Width::B64, IRM);
    ctx.read_impl("irm-kept", router, Width::B64, Allowed::OneOf(&[0, IRM]));
    ctx.write(router, Width::B64, 0);
    let got = ctx.read(router, Width::B64);
    ctx.check_eq("affinity-0-readback", got, 0);
}
