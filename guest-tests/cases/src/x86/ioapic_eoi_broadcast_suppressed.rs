//! `x86.ioapic-eoi-broadcast-suppressed`: with SVR bit 12 set, pin 3 level vector 0x68 taken:
//! the LAPIC EOI leaves remote IRR 1; writing 0x68 to the IOAPIC EOI register clears it.
//! Skipped without suppression support or an EOI register.
//!
//! Spec: Intel SDM vol. 3 §11.8.5 (SVR bit 12 suppresses the EOI broadcast of level vectors;
//! supported when Version bit 24 is set), IOAPIC version 0x20 (EOI register at 0x40).
//!
//! Expected: remote IRR 1 after the LAPIC EOI, 0 after the IOAPIC EOI. Why: directed EOI is how
//! x2APIC guests end level interrupts; KVM split-irqchip and Xen implement it differently.

use guest_kit::inject::Injection;
use guest_kit::regs::ioapic;
use guest_kit::regs::lapic::{self, Svr};
use guest_kit::{Case, Ctx, Needs, Site, Vector};

use super::util::{self, LINE_PIN};

/// The case.
pub const CASE: Case = Case {
    id: "x86.ioapic-eoi-broadcast-suppressed",
    title: "EOI broadcast suppressed: remote IRR outlives the LAPIC EOI; the IOAPIC EOI clears it",
    spec: "Intel SDM vol. 3 11.8.5; IOAPIC version 0x20 EOI register",
    needs: Needs {
        inject: Injection::LINE,
        ..Needs::IOAPIC
    },
    run,
};

const V: Vector = Vector::new(0x68);

fn run(ctx: &mut Ctx<'_>) {
    let version = lapic::Version(ctx.lapic_read(lapic::VERSION));
    if !version.eoi_broadcast_suppression() {
        ctx.skip("the local APIC cannot suppress EOI broadcasts (Version bit 24 = 0)");
        return;
    }
    if !util::ioapic_has_eoi_register(ctx) {
        return;
    }
    let svr = Svr::enabled(Vector::new(0xff)).0 | lapic::SVR_SUPPRESS_EOI_BROADCAST;
    ctx.lapic_write(lapic::SVR, svr);
    if !util::take_level_from_line(ctx, V) {
        return;
    }
    ctx.lapic_eoi();
    let remote = util::remote_irr(ctx, LINE_PIN);
    ctx.check("remote-irr-kept", remote != 0);
    ctx.write32(Site::Ioapic(ioapic::EOI), V.raw().into());
    let remote = util::remote_irr(ctx, LINE_PIN);
    ctx.check_eq("ioapic-eoi-clears", remote.into(), 0);
}
