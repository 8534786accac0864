//! `x86.xapic-svr-readback`: SVR written as 0x1f0 reads back 0x1f0 or 0x1ff (the two allowed
//! treatments of bits 3:0), recorded.
//!
//! Spec: Intel SDM vol. 3 §11.9 (Spurious-Interrupt Vector Register: bits 7:0 vector, bits 3:0
//! hard-wired to 1 on P6 and Pentium, writable on later processors; bit 8 APIC software
//! enable).
//!
//! Expected: bits 8:0 0x1f0 or 0x1ff; bit 8 set. Why: the spurious vector is programmed once by
//! every guest kernel; a register that drops the enable bit disables the APIC.

use guest_kit::regs::lapic::{self, Svr};
use guest_kit::{Allowed, Case, Ctx, Needs, Vector};

/// The case.
pub const CASE: Case = Case {
    id: "x86.xapic-svr-readback",
    title: "SVR reads back the enable bit and the spurious vector",
    spec: "Intel SDM vol. 3 11.9",
    needs: Needs::X86,
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    ctx.lapic_write(lapic::SVR, Svr::enabled(Vector::new(0xf0)).0);
    let svr = ctx.lapic_read(lapic::SVR);
    let low = u64::from(svr & 0x1ff);
    ctx.impl_defined("svr-vector-bits", low, Allowed::OneOf(&[0x1f0, 0x1ff]));
    ctx.check_eq("enable-bit", (svr >> 8 & 1).into(), 1);
}
