//! `its.err-mapti-unmapped-device`: MAPTI naming a DeviceID with no mapping (no ITT) is a command
//! error.
//!
//! Spec: IHI 0069H §5.3 (MAPTI: E_ITS_MAPTI_UNMAPPED_DEVICE; command errors: the ITS ignores the
//! command or stalls the queue).
//!
//! Expected: MAPTI of device 47 event 0 to LPI 8950: outcome recorded; nothing is acknowledged;
//! after the queue restart a SYNC is consumed. Why: a vITS that writes an ITT entry for a device
//! with no ITT writes to guest address 0.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-mapti-unmapped-device",
    title: "MAPTI on an unmapped device is a command error and maps nothing",
    spec: "IHI 0069H 5.3 (MAPTI, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    setup::map_collection(ctx, 0);
    setup::command_error(
        ctx,
        Command::Mapti {
            device: 47,
            event: 0,
            intid: 8950,
            icid: 0,
        },
    );
    setup::expect_nothing_pending(ctx);
    setup::check_queue_restarted(ctx, 32);
}
