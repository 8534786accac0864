//! `its.gicr-propbaser`: GICR_PROPBASER reads back the LPI configuration table's address and
//! IDbits that the kit programmed, on every redistributor.
//!
//! Spec: IHI 0069H §12.11 (GICR_PROPBASER: Physical_Address, bits [51:12]; IDbits, bits [4:0];
//! the cacheability and shareability fields may be fixed by the implementation).
//!
//! Expected: address = the arena's configuration table, IDbits = 13 (14 INTID bits); the rest
//! recorded. Why: firmware hand-over and kexec read these back to find the live tables.

use guest_kit::lpi::{LPI_ID_BITS, PROP_TABLE};
use guest_kit::regs::gicr;
use guest_kit::{Allowed, Case, Ctx, Needs, RdFrame, Site, Width};

/// The case.
pub const CASE: Case = Case {
    id: "its.gicr-propbaser",
    title: "GICR_PROPBASER reads back the configuration table and IDbits",
    spec: "IHI 0069H 12.11 (GICR_PROPBASER)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

const FIELDS: u64 = 0x000f_ffff_ffff_f000 | 0x1f;

fn run(ctx: &mut Ctx<'_>) {
    let want = (ctx.info().arena + PROP_TABLE) | u64::from(LPI_ID_BITS - 1);
    let allowed = Allowed::Fixed {
        mask: FIELDS,
        value: want,
    };
    for cpu in 0..ctx.info().cpus {
        let site = Site::Gicr {
            cpu,
            frame: RdFrame::Rd,
            offset: gicr::PROPBASER,
        };
        ctx.read_impl("gicr-propbaser", site, Width::B64, allowed);
    }
}
