//! `gic.smp-v2-dir-other-cpu`: with EOImode = 1, a GICC_DIR write on CPU 1 for an SPI that CPU 0
//! acknowledged and priority-dropped: the resulting active state is recorded.
//!
//! Spec: IHI 0048B §4.4.15 (GICC_DIR), §3.2.1 (priority drop and interrupt deactivation) and
//! §4.4.1 (GICC_CTLR.EOImode). The active state of an SPI is one distributor state (§4.3.9), but
//! GICv2 leaves a GICC_DIR write without a matching EOI on that CPU interface UNPREDICTABLE (IHI
//! 0069H §12.2, ICC_DIR_EL1, names it as one of the GICv2 cases GICv3 made defined). So the
//! state after the write is recorded (`active-after-remote-dir`), not judged; what is required
//! is that CPU 1's running priority stays idle and that CPU 0's EOI dropped its own priority.
//!
//! Expected: SPI 56 is acknowledged and ended on CPU 0 (RPR back to 0xff, SPI active); CPU 1, in
//! EOImode 1, writes 56 to GICC_DIR and reads GICC_RPR 0xff; CPU 0's GICD_ISACTIVER1 is
//! recorded; GICD_ICACTIVER then clears it. Why: Xen deactivates forwarded SPIs from the
//! physical CPU a vCPU migrated to; QEMU's GICv2 kept SPI deactivation banked per CPU until 2024.

use guest_kit::regs::gicd;
use guest_kit::{Allowed, Case, Ctx, IntId, Needs, Width};

use super::util;

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v2-dir-other-cpu",
    title: "EOImode=1: GICC_DIR on CPU 1 for an SPI acknowledged on CPU 0 (state recorded)",
    spec: "IHI 0048B 4.4.15, 3.2.1, 4.4.1, 4.3.8",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV2
    },
    run,
};

/// INTID 56.
const SPI: IntId = IntId::spi(24);

fn run(ctx: &mut Ctx<'_>) {
    util::split_ack_and_drop_on_cpu0(ctx, SPI);
    let rpr = ctx.running_priority();
    ctx.check_eq("cpu0-rpr-dropped", rpr.into(), 0xff);
    let active = ctx.is_active(SPI);
    ctx.check("active-after-eoir", active);
    util::deactivate_on_cpu1(ctx, SPI);
    let (site, _) = ctx.irq_reg(gicd::ISACTIVER, SPI);
    ctx.read_impl("active-after-remote-dir", site, Width::B32, Allowed::Any);
    ctx.clear_active(SPI);
    ctx.set_eoi_mode_combined();
}
