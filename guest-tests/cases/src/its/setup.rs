//! Mapping an event to an LPI through the ITS, the way every ITS case starts (IHI 0069H §5.2,
//! the command sequence MAPD, MAPC, MAPTI), and the matching clean-up.

use guest_kit::its::Command;
use guest_kit::regs::gits;
use guest_kit::{Ctx, Site, Width};

/// EventID bits of the ITTs the cases allocate (16 events per device).
pub const EVENT_BITS: u8 = 4;

/// One mapped event.
#[derive(Clone, Copy, Debug)]
pub struct Mapping {
    /// DeviceID.
    pub device: u32,
    /// EventID.
    pub event: u32,
    /// The LPI.
    pub intid: u32,
}

/// Maps `device` (with a fresh ITT), collection `cpu` to CPU `cpu`, and `event` of `device` to
/// LPI `intid` in that collection. The LPI stays disabled in the configuration table.
pub fn map(ctx: &mut Ctx<'_>, device: u32, event: u32, intid: u32, cpu: u8) -> Mapping {
    let typer = gits::Typer(
        ctx.raw()
            .read(Site::Gits(gits::TYPER), Width::B64)
            .unwrap_or(0),
    );
    let itt_bytes = u64::from(typer.itt_entry_size()) << EVENT_BITS;
    let itt = ctx.alloc(itt_bytes.max(256), 256);
    ctx.its_command(Command::Mapd {
        device,
        event_bits: EVENT_BITS,
        itt,
        valid: true,
    });
    map_collection(ctx, cpu);
    let icid = u16::from(cpu);
    ctx.its_command(Command::Mapti {
        device,
        event,
        intid,
        icid,
    });
    Mapping {
        device,
        event,
        intid,
    }
}

/// Maps collection `cpu` to CPU `cpu`.
pub fn map_collection(ctx: &mut Ctx<'_>, cpu: u8) {
    let rd = ctx.rdbase(cpu);
    ctx.its_command(Command::Mapc {
        icid: u16::from(cpu),
        rd,
        valid: true,
    });
}

/// Enables `m`'s LPI with `priority` and makes the ITS reload its configuration (INV).
pub fn enable(ctx: &mut Ctx<'_>, m: Mapping, priority: u8) {
    ctx.set_lpi_config(m.intid, priority, true);
    ctx.its_command(Command::Inv {
        device: m.device,
        event: m.event,
    });
}

/// Removes `m` (DISCARD: mapping and pending state) and unmaps its device.
pub fn unmap(ctx: &mut Ctx<'_>, m: Mapping) {
    ctx.its_command(Command::Discard {
        device: m.device,
        event: m.event,
    });
    ctx.its_command(Command::Mapd {
        device: m.device,
        event_bits: EVENT_BITS,
        itt: 0,
        valid: false,
    });
}
