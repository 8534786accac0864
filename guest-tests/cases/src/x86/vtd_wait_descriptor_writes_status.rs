//! `x86.vtd-wait-descriptor-writes-status`: a wait descriptor with status data 0x1234_5678
//! makes IQH read 0x10 and the status word read 0x1234_5678. Skipped without ECAP.QI/IR.
//!
//! Spec: Intel VT-d specification §6.5.2.8 (invalidation wait descriptor, SW = 1: the status
//! data is written to the status address once earlier descriptors completed), §10.4.22 (IQH).
//!
//! Expected: IQH 0x10; status 0x1234_5678. Why: drivers wait on this status word after every
//! invalidation; a vIOMMU that forgets to write it hangs them.

use guest_kit::regs::vtd::{self, Descriptor};
use guest_kit::{Case, Ctx, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "x86.vtd-wait-descriptor-writes-status",
    title: "an invalidation wait descriptor writes its status word and IQH reaches IQT",
    spec: "Intel VT-d 6.5.2.8, 10.4.22",
    needs: Needs::IOMMU,
    run,
};

const DATA: u32 = 0x1234_5678;

fn run(ctx: &mut Ctx<'_>) {
    if !util::remapping_capable(ctx) {
        return;
    }
    let queue = util::queue_on(ctx);
    let status = ctx.alloc(8, 8);
    let head = util::submit(ctx, queue, &[Descriptor::wait(status, DATA)]);
    ctx.check_eq("iqh-past-descriptor", head, vtd::queue_offset(1));
    let mut word = [0u8; 4];
    let _ = ctx.raw().mem_read(status, &mut word);
    ctx.check_eq(
        "status-written",
        u32::from_le_bytes(word).into(),
        DATA.into(),
    );
    util::vtd_off(ctx);
}
