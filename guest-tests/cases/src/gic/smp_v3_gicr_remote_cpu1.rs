//! `gic.smp-v3-gicr-remote-cpu1`: CPU 1's redistributor, written from CPU 0, controls CPU 1's
//! SGIs: an SGI enabled and made pending through CPU 1's GICR_ISENABLER0/GICR_ISPENDR0 is
//! delivered to CPU 1 and not to CPU 0.
//!
//! Spec: IHI 0069H §12.10 (each redistributor's SGI_base frame holds the SGI and PPI state of
//! the PE it serves; the frames are memory mapped and any PE can access any of them) and §3.1
//! (SGIs and PPIs are private to a PE).
//!
//! Expected: CPU 0 writes bit 14 to GICR_ISENABLER0 and GICR_ISPENDR0 of CPU 1's redistributor.
//! CPU 0's own GICR_ISENABLER0 and GICR_ISPENDR0 read bit 14 clear and CPU 0 acknowledges
//! nothing (1023); CPU 1 reads the bit set through its own frame and acknowledges SGI 14. Why:
//! hypervisors and firmware bring up secondary CPUs' PPIs from the boot CPU; a vGIC that maps
//! every redistributor frame to the accessing vCPU's state configures the wrong CPU.

use guest_kit::regs::gicr;
use guest_kit::{Case, Ctx, IntId, Needs, RdFrame, Site};

/// The case.
pub const CASE: Case = Case {
    id: "gic.smp-v3-gicr-remote-cpu1",
    title: "SGI 14 enabled and pended via CPU 1's GICR from CPU 0 is delivered to CPU 1 only",
    spec: "IHI 0069H 12.10, 3.1",
    needs: Needs {
        cpus: 2,
        ..Needs::GICV3
    },
    run,
};

const SGI: IntId = IntId::sgi(14);
const BIT: u32 = 1 << 14;
const SPURIOUS: u64 = IntId::SPURIOUS.raw() as u64;

fn sgi_frame(cpu: u8, offset: u32) -> Site {
    Site::Gicr {
        cpu,
        frame: RdFrame::Sgi,
        offset,
    }
}

fn run(ctx: &mut Ctx<'_>) {
    ctx.write32(sgi_frame(1, gicr::ISENABLER0.base), BIT);
    ctx.write32(sgi_frame(1, gicr::ISPENDR0.base), BIT);
    let enabled = ctx.read32(sgi_frame(0, gicr::ISENABLER0.base));
    ctx.check_eq("cpu0-enable-clear", (enabled & BIT).into(), 0);
    let pending = ctx.read32(sgi_frame(0, gicr::ISPENDR0.base));
    ctx.check_eq("cpu0-pending-clear", (pending & BIT).into(), 0);
    let got = ctx.ack();
    ctx.check_eq("cpu0-acks-nothing", got.raw().into(), SPURIOUS);
    ctx.on_cpu(1, |ctx| {
        let on = ctx.is_pending(SGI);
        ctx.check("cpu1-pending", on);
        let got = ctx.ack_when_pending();
        ctx.check_eq("cpu1-acks", got.raw().into(), SGI.raw().into());
        ctx.eoi(SGI);
    });
}
