//! `its.err-mapti-pintid-oor`: MAPTI whose pINTID is not an LPI (8191, just below the LPI range) is
//! a command error and maps nothing.
//!
//! Spec: IHI 0069H §5.3 (MAPTI: E_ITS_MAPTI_PHYSICALID_OOR when pINTID is not a valid LPI; command
//! errors: the ITS ignores the command or stalls the queue).
//!
//! Expected: outcome recorded, nothing acknowledged; after the queue restart the same event mapped
//! to 8920 and triggered is delivered. Why: a vITS that accepts an SPI or SGI number as an LPI lets
//! a device inject any interrupt.

use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-mapti-pintid-oor",
    title: "MAPTI of a pINTID below the LPI range is a command error",
    spec: "IHI 0069H 5.3 (MAPTI, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    setup::mapti_error(ctx, 43, 0, 8191);
    setup::device_still_delivers(ctx, 43, 8920, "valid-mapping-works");
}
