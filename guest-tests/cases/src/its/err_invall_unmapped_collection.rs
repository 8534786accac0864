//! `its.err-invall-unmapped-collection`: INVALL of a collection that is not mapped is a command
//! error.
//!
//! Spec: IHI 0069H §5.3 (INVALL: E_ITS_INVALL_UNMAPPED_COLLECTION; command errors: the ITS ignores
//! the command or stalls the queue; an implementation that does not check the collection and does
//! nothing looks like "ignored").
//!
//! Expected: INVALL of collection 9: outcome recorded; after the queue restart a SYNC is consumed.
//! Why: a vITS that dereferences an unmapped collection on INVALL faults on the host side.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.err-invall-unmapped-collection",
    title: "INVALL of an unmapped collection is a command error",
    spec: "IHI 0069H 5.3 (INVALL, command errors)",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    setup::command_error(ctx, Command::Invall { icid: 9 });
    setup::check_queue_restarted(ctx, 32);
}
