//! `gic.smp-v3-dir-other-pe`: with EOImode = 1, ICC_DIR_EL1 written on CPU 1 deactivates an SPI
//! that CPU 0 acknowledged (and priority-dropped); CPU 1's running priority is untouched.
//!
//! Spec: IHI 0069H §12.2 (ICC_DIR_EL1: a write deactivates the specified interrupt; with
//! EOImode = 1 but no EOI issued by the writing PE "the interrupt will be de-activated by the
//! Distributor, however the active priority in the CPU interface for the interrupt will remain
//! set"; writes are ignored when the writer's EOImode = 0), §4.1.1 (priority drop and
//! deactivation) and §12.2.6 (ICC_CTLR_EL1.EOImode).
//!
//! Expected: SPI 56 is acknowledged and ended (EOIR) on CPU 0 and reads active; CPU 1, also in
//! EOImode 1, writes 56 to ICC_DIR_EL1 and reads ICC_RPR_EL1 0xff; CPU 0 then reads SPI 56
//! inactive. Why: Xen and KVM deactivate a forwarded SPI on whichever physical CPU the vCPU runs
//! on after a migration; a vGIC that keeps the active state per CPU leaves it active forever.

use guest_kit::{Case, Ctx, IntId, Needs};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v3-dir-other-pe",
    title: "EOImode=1: ICC_DIR_EL1 on CPU 1 deactivates an SPI acknowledged on CPU 0",
    spec: "IHI 0069H 12.2 (ICC_DIR_EL1), 4.1.1, 12.2.6",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

/// INTID 56.
const SPI: IntId = IntId::spi(24);

fn run(ctx: &mut Ctx<'_>) {
    util::split_ack_and_drop_on_cpu0(ctx, SPI);
    let active = ctx.is_active(SPI);
    ctx.check("active-after-eoir", active);
    util::deactivate_on_cpu1(ctx, SPI);
    let active = ctx.is_active(SPI);
    ctx.check("inactive-after-remote-dir", !active);
    ctx.set_eoi_mode_combined();
}
