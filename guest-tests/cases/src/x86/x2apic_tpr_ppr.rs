//! `x86.x2apic-tpr-ppr`: WRMSR 0x808 = 0x70: TPR reads 0x70 and PPR 0x70; TPR 0: PPR 0.
//!
//! Spec: Intel SDM vol. 3 §11.12.1.2 (TPR 0x808, PPR 0x80a), §11.8.3.1.
//!
//! Expected: 0x70, 0x70, 0. Why: the MSR TPR is the one Linux's x2APIC code writes.

use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs};

/// The case.
pub const CASE: Case = Case {
    id: "x86.x2apic-tpr-ppr",
    title: "x2APIC TPR reads back and PPR follows it",
    spec: "Intel SDM vol. 3 11.12.1.2, 11.8.3.1",
    needs: Needs::X2APIC,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.enable_x2apic();
    let (tpr, ppr) = (lapic::x2apic_msr(lapic::TPR), lapic::x2apic_msr(lapic::PPR));
    ctx.wrmsr(tpr, 0x70);
    let value = ctx.rdmsr(tpr);
    ctx.check_eq("tpr-readback", value, 0x70);
    let value = ctx.rdmsr(ppr);
    ctx.check_eq("ppr-follows", value, 0x70);
    ctx.wrmsr(tpr, 0);
    let value = ctx.rdmsr(ppr);
    ctx.check_eq("ppr-idle", value, 0);
}
