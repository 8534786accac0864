//! `x86.ioapic-unimplemented-register`: index 0x03 reads an implementation-defined value
//! (recorded); after writing 0xffff_ffff to it IOAPICVER and redirection entry 0 read as
//! before.
//!
//! Spec: Intel 82093AA I/O APIC datasheet §3.0, §3.2 (indirect registers 0x00-0x02 and
//! 0x10-0x3f; others unimplemented, their reads not specified).
//!
//! Expected: the recorded value; unchanged version and entry. Why: a decoder that aliases
//! unimplemented indices onto real registers corrupts them.

use guest_kit::regs::ioapic;
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-unimplemented-register",
    title: "an unimplemented IOAPIC register is recorded and writing it changes nothing else",
    spec: "82093AA 3.0, 3.2",
    needs: Needs::IOAPIC,
    run,
};

const UNIMPLEMENTED: u32 = 0x03;

fn run(ctx: &mut Ctx<'_>) {
    let version = ctx.ioapic_read(ioapic::REG_VERSION);
    let entry = util::rte_low(ctx, 0);
    ctx.write32(Site::Ioapic(ioapic::IOREGSEL), UNIMPLEMENTED);
    let win = Site::Ioapic(ioapic::IOWIN);
    ctx.read_impl("unimplemented-register", win, Width::B32, Allowed::Any);
    ctx.write32(win, 0xffff_ffff);
    let after = ctx.ioapic_read(ioapic::REG_VERSION);
    ctx.check_eq("version-unchanged", after.into(), version.into());
    let after = util::rte_low(ctx, 0);
    ctx.check_eq("entry-0-unchanged", after.into(), entry.into());
}
