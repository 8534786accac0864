//! `its.sixteen-lpis-in-order`: sixteen LPIs pending at once, with sixteen distinct priorities,
//! are all acknowledged, highest priority first, none lost.
//!
//! Spec: IHI 0069H §5.1 (each LPI has its own pending state and priority), §4.8 (the highest
//! priority pending interrupt is acknowledged first).
//!
//! Expected: events 0..15 of device 36 mapped to LPIs 8850..8865 with priority (7 * event mod
//! 16) << 4 (distinct in the top four bits, which every GICv3 implements), all triggered behind
//! PMR = 0, then PMR = 0xff: the sixteen acknowledges come in priority order. Why: a vGIC with
//! fewer list registers than pending LPIs must queue the rest, in order, without dropping any.

use guest_kit::its::Command;
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.sixteen-lpis-in-order",
    title: "16 LPIs pending at once are all delivered, in priority order",
    spec: "IHI 0069H 5.1, 4.8",
    needs: Needs {
        its: true,
        ..Needs::GICV3
    },
    run,
};

const DEVICE: u32 = 36;
const FIRST: u32 = 8850;

fn priority(event: u32) -> u8 {
    (((event * 7) % 16) << 4) as u8
}

fn run(ctx: &mut Ctx<'_>) {
    setup::map_device(ctx, DEVICE, setup::EVENT_BITS);
    setup::map_collection(ctx, 0);
    ctx.set_priority_mask(0x00);
    for event in 0..16 {
        setup::map_event(ctx, DEVICE, event, FIRST + event, 0);
        ctx.set_lpi_config(FIRST + event, priority(event), true);
    }
    ctx.its_command(Command::Invall { icid: 0 });
    for event in 0..16 {
        ctx.its_command(Command::Int {
            device: DEVICE,
            event,
        });
    }
    let rd = ctx.rdbase(0);
    ctx.its_command(Command::Sync { rd });
    ctx.set_priority_mask(0xff);
    for rank in 0..16 {
        // 7 is its own inverse modulo 16: the event whose priority has rank `rank`.
        let event = (rank * 7) % 16;
        let got = ctx.ack_when_pending();
        ctx.check_eq(
            "in-priority-order",
            got.raw().into(),
            (FIRST + event).into(),
        );
        ctx.eoi(got);
    }
    let got = ctx.ack();
    ctx.check_eq("none-left", got.raw().into(), 1023);
    for event in 0..16 {
        ctx.its_command(Command::Discard {
            device: DEVICE,
            event,
        });
    }
    ctx.its_command(Command::Mapd {
        device: DEVICE,
        event_bits: setup::EVENT_BITS,
        itt: 0,
        valid: false,
    });
}
