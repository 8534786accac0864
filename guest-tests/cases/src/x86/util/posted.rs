//! Posted-interrupt steps: descriptors and posted-format IRTEs over the VT-d steps.

use guest_kit::regs::vtd;
use guest_kit::{Allowed, Ctx, Site, Vector, Width};

use super::vtd::{remap_with, remapped_msi_taken};

/// Whether the first VT-d unit supports posted interrupts (CAP.PI, read traced); marks the
/// case skipped when not.
pub fn posting_capable(ctx: &mut Ctx<'_>) -> bool {
    // CAP's value is the implementation's (VT-d 11.4.2): recorded, not judged.
    let cap = ctx.read_impl("vtd-cap", Site::Dmar(vtd::CAP), Width::B64, Allowed::Any);
    let has = cap & vtd::CAP_PI != 0;
    if !has {
        ctx.skip(
            "the VT-d unit does not post interrupts (CAP.PI = 0): runs against the reference \
             model and vIOMMUs that expose posting",
        );
    }
    has
}

/// Reads the 64-byte posted-interrupt descriptor at `gpa` (untraced memory; its bits are
/// judged by the case's checks).
pub fn read_descriptor(ctx: &mut Ctx<'_>, gpa: u64) -> vtd::PostedDescriptor {
    let mut d = vtd::PostedDescriptor([0; 64]);
    let _ = ctx.raw().mem_read(gpa, &mut d.0);
    d
}

/// Posting set up: `desc` written to a 64-byte descriptor in scratch, one posted-format IRTE
/// per vector of `vectors` (index i posts `vectors[i]` to it), remapping on. Returns the
/// descriptor's address, or `None` (case skipped) without remapping or posting.
pub fn posted_setup(
    ctx: &mut Ctx<'_>,
    desc: vtd::PostedDescriptor,
    vectors: &[Vector],
) -> Option<u64> {
    if !posting_capable(ctx) {
        return None;
    }
    let pd = ctx.alloc(64, 64);
    ctx.mem_write(pd, &desc.0);
    let mut entries = [vtd::Irte { lo: 0, hi: 0 }; 4];
    for (e, v) in entries.iter_mut().zip(vectors) {
        *e = vtd::Irte::posted(v.raw(), pd);
    }
    remap_with(ctx, &entries[..vectors.len().min(4)])?;
    Some(pd)
}

/// One post through one non-urgent posted-format IRTE (VT-d §5.2, §9.11): [`posted_setup`] with
/// `desc` and IRTE 0 posting `vector`, then the MSI that IRTE 0 remaps, and what CPU 0 took in
/// the window after it ([`remapped_msi_taken`]: the notification vector, EOIed, or 0). Returns
/// the descriptor's address and what was taken, with remapping still on for the case's checks
/// (it ends with [`super::vtd_off`]); `None` when the case skipped.
pub fn post_one(
    ctx: &mut Ctx<'_>,
    desc: vtd::PostedDescriptor,
    vector: Vector,
) -> Option<(u64, u64)> {
    let pd = posted_setup(ctx, desc, &[vector])?;
    let taken = remapped_msi_taken(ctx, vtd::remappable_msi_address(0), 0)?;
    Some((pd, taken))
}

/// [`posted_setup`] with one urgent (URG = 1) IRTE posting `vector`.
pub fn posted_urgent_setup(
    ctx: &mut Ctx<'_>,
    desc: vtd::PostedDescriptor,
    vector: Vector,
) -> Option<u64> {
    if !posting_capable(ctx) {
        return None;
    }
    let pd = ctx.alloc(64, 64);
    ctx.mem_write(pd, &desc.0);
    remap_with(ctx, &[vtd::Irte::posted(vector.raw(), pd).urgent()])?;
    Some(pd)
}
