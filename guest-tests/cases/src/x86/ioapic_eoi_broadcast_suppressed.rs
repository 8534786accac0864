//! `x86.ioapic-eoi-broadcast-suppressed`: with SVR bit 12 set, pin 3 level vector 0x68 taken:
//! the LAPIC EOI leaves remote IRR 1; writing 0x68 to the IOAPIC EOI register clears it.
//! Skipped without suppression support or an EOI register.
//!
//! Spec: Intel SDM vol. 3 §11.8.5 (SVR bit 12 suppresses the EOI broadcast of level vectors;
//! supported when Version bit 24 is set), IOAPIC version 0x20 (EOI register at 0x40).
//!
//! Expected: remote IRR 1 after the LAPIC EOI, 0 after the IOAPIC EOI. Why: directed EOI is how
//! x2APIC guests end level interrupts; KVM split-irqchip and Xen implement it differently.

use guest_kit::inject::{Inject, Injection};
use guest_kit::regs::ioapic::{self, Redirection};
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
    let dest = util::apic_id(ctx, 0);
    util::set_rte(
        ctx,
        LINE_PIN,
        Redirection::fixed(V.raw(), dest).with(Redirection::LEVEL),
    );
    if !ctx.inject(Inject::Line {
        intid: LINE_PIN.into(),
        high: true,
    }) {
        return;
    }
    let taken = ctx.take_interrupts();
    ctx.check_eq("taken", util::packed(&taken), 0x68);
    ctx.inject(Inject::Line {
        intid: LINE_PIN.into(),
        high: false,
    });
    ctx.lapic_eoi();
    let remote = util::rte_low(ctx, LINE_PIN) & Redirection::REMOTE_IRR as u32;
    ctx.check("remote-irr-kept", remote != 0);
    ctx.write32(Site::Ioapic(ioapic::EOI), V.raw().into());
    let remote = util::rte_low(ctx, LINE_PIN) & Redirection::REMOTE_IRR as u32;
    ctx.check_eq("ioapic-eoi-clears", remote.into(), 0);
}
