//! `its.gicr-pendbaser`: GICR_PENDBASER reads back each CPU's pending table address, and PTZ,
//! which the kit wrote as 1, reads 0.
//!
//! Spec: IHI 0069H §12.11 (GICR_PENDBASER: Physical_Address, bits [51:16]; PTZ, bit 62, "WO,
//! reads as 0"; the cacheability and shareability fields may be fixed by the implementation).
//!
//! Expected: each CPU's address is its own table in the arena; PTZ = 0; the rest recorded. Why:
//! a guest that reads the register back (kexec, a second kernel) must not be told to zero a
//! table that holds live pending state.

use guest_kit::lpi::pend_table;
use guest_kit::regs::gicr;
use guest_kit::{Allowed, Case, Ctx, Needs, RdFrame, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.gicr-pendbaser",
    title: "GICR_PENDBASER reads back each pending table; PTZ reads 0",
    spec: "IHI 0069H 12.11 (GICR_PENDBASER)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

const PTZ: u64 = 1 << 62;
const FIELDS: u64 = 0x000f_ffff_ffff_0000 | PTZ;

fn run(ctx: &mut Ctx<'_>) {
    for cpu in 0..ctx.info().cpus {
        let allowed = Allowed::Fixed {
            mask: FIELDS,
            value: ctx.info().arena + pend_table(cpu),
        };
        let site = Site::Gicr {
            cpu,
            frame: RdFrame::Rd,
            offset: gicr::PENDBASER,
        };
        ctx.read_impl("gicr-pendbaser", site, Width::B64, allowed);
    }
}
