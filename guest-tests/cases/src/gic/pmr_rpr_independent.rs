//! `gic.pmr-rpr-independent`: the priority mask and the running priority are independent: a
//! change of the mask leaves the running priority alone, and an active interrupt keeps its
//! running priority when the mask is raised above it.
//!
//! Spec: IHI 0048B §4.4.2 (GICC_PMR only filters signalling) and §4.4.6 (GICC_RPR: the priority
//! of the highest priority active interrupt, 0xff when none); IHI 0069H §12.2 (ICC_PMR_EL1,
//! ICC_RPR_EL1) and §4.8.
//!
//! Expected: PMR 0x40: RPR 0xff; an SPI at 0x20 is signalled and acknowledged: RPR 0x20; PMR
//! 0x10 (now masking the SPI's own priority): RPR still 0x20 and PMR reads 0x10; after the EOI
//! RPR is 0xff. Why: on GICv3 vGICs both live in ICH_VMCR / the list registers; Linux's
//! pseudo-NMI code lowers PMR inside handlers and relies on RPR to tell "in an NMI".

use guest_kit::regs::gicc;
use guest_kit::{Case, Ctx, IccReg, IntId, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "gic.pmr-rpr-independent",
    title: "changing PMR does not change RPR, idle or with an interrupt active",
    spec: "IHI 0048B 4.4.2, 4.4.6; IHI 0069H 12.2 (ICC_PMR_EL1, ICC_RPR_EL1), 4.8",
    needs: Needs::ANY_GIC,
    run,
};

const SPI: IntId = IntId::spi(31);

fn run(ctx: &mut Ctx<'_>) {
    ctx.set_priority_mask(0x40);
    let running = ctx.running_priority();
    ctx.check_eq("rpr-idle-with-pmr", running.into(), 0xff);
    ctx.set_priority(SPI, 0x20);
    ctx.enable(SPI);
    ctx.set_pending(SPI);
    let got = ctx.ack_when_pending();
    ctx.check_eq("ack-intid", got.raw().into(), SPI.raw().into());
    let running = ctx.running_priority();
    ctx.check_eq("rpr-active", running.into(), 0x20);
    ctx.set_priority_mask(0x10);
    let running = ctx.running_priority();
    ctx.check_eq("rpr-after-pmr-change", running.into(), 0x20);
    let (site, width) = (ctx.cpuif(gicc::PMR, IccReg::Pmr), ctx.cpuif_width());
    let pmr = ctx.read(site, width);
    ctx.check_eq("pmr-readback", pmr, 0x10);
    ctx.eoi(SPI);
    let running = ctx.running_priority();
    ctx.check_eq("rpr-idle-after-eoi", running.into(), 0xff);
    ctx.set_priority_mask(0xff);
}
