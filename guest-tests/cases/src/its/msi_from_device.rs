//! `its.msi-from-device`: an MSI a device writes to GITS_TRANSLATER is translated through its
//! DeviceID and EventID and delivered as the mapped LPI.
//!
//! Spec: IHI 0069H §5.2 (the ITS translates a write to GITS_TRANSLATER, with the DeviceID the
//! system supplies for the writer and the EventID written, through the device table and ITT)
//! and §12.19 (GITS_TRANSLATER).
//!
//! Expected: device 9 event 2 mapped to LPI 9000 on CPU 0 and enabled; the host sends the MSI as
//! device 9: the acknowledge returns 9000. Why: this is the whole point of an ITS: PCI devices'
//! MSIs. It needs a backend that can send an MSI with a DeviceID (skipped elsewhere).

use guest_kit::inject::{Inject, Injection};
use guest_kit::{Case, Ctx, Needs};

use super::setup;

/// The case.
pub const CASE: Case = Case {
    id: "its.msi-from-device",
    title: "a device MSI through GITS_TRANSLATER is delivered as its mapped LPI",
    spec: "IHI 0069H 5.2, 12.19 (GITS_TRANSLATER)",
    needs: Needs {
        its: true,
        inject: Injection::MSI,
        ..Needs::GICV3
    },
    run,
};

fn run(ctx: &mut Ctx<'_>) {
    let m = setup::map(ctx, 9, 2, 9000, 0);
    setup::enable(ctx, m, 0x80);
    if ctx.inject(Inject::Msi {
        device: 9,
        event: 2,
    }) {
        let got = ctx.ack_when_pending();
        ctx.check_eq("msi-delivered", got.raw().into(), 9000);
        ctx.eoi(got);
    }
    setup::unmap(ctx, m);
}
