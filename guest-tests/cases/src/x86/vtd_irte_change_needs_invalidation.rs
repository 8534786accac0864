//! `x86.vtd-irte-change-needs-invalidation`: IRTE 0 (vector 0x80) is used once; it is rewritten
//! to 0x81; an MSI before any invalidation delivers 0x80 or 0x81 (recorded); after an IEC
//! invalidation of index 0 and a wait, it delivers 0x81. Skipped without remapping.
//!
//! Spec: Intel VT-d specification §6.5.2.7 (software invalidates the interrupt entry cache
//! after modifying an IRTE; until then hardware may use a cached copy or the new one).
//!
//! Expected: 0x80; recorded 0x80 or 0x81; 0x81. Why: caching of IRTEs is where vIOMMUs and
//! hardware legitimately differ; after the invalidation they must agree.

use guest_kit::inject::Injection;
use guest_kit::regs::vtd::{self, Descriptor, Irte};
use guest_kit::{Allowed, Case, Ctx, Needs, Site, Width};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-irte-change-needs-invalidation",
    title: "a changed IRTE is used for certain only after an interrupt entry cache invalidation",
    spec: "Intel VT-d 6.5.2.7, 9.10",
    needs: Needs {
        iommu: true,
        inject: Injection::X86_MSI,
        ..Needs::X86
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let dest = util::apic_id(ctx, 0);
    let Some(queue) = util::remap_with(ctx, &[Irte::remapped(0x80, dest)]) else {
        return;
    };
    let address = vtd::remappable_msi_address(0);
    let Some(first) = util::remapped_msi_taken(ctx, address, 0) else {
        return;
    };
    ctx.check_eq("old-vector", first, 0x80);
    let table = ctx
        .raw()
        .read(Site::Dmar(vtd::IRTA), Width::B64)
        .unwrap_or(0)
        & !0xfff;
    ctx.mem_write(table, &Irte::remapped(0x81, dest).to_bytes());
    util::msi(ctx, address, 0);
    let cached = util::take_and_eoi(ctx);
    ctx.impl_defined("before-invalidation", cached, Allowed::OneOf(&[0x80, 0x81]));
    let status = ctx.alloc(8, 8);
    util::submit(
        ctx,
        queue,
        &[Descriptor::iec_index(0), Descriptor::wait(status, 1)],
    );
    util::msi(ctx, address, 0);
    let after = util::take_and_eoi(ctx);
    ctx.check_eq("new-vector-after-invalidation", after, 0x81);
    util::vtd_off(ctx);
}
