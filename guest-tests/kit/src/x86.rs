//! x86 operations on [`Ctx`]: the local APIC in xAPIC (MMIO) and x2APIC (MSR) mode, the IOAPIC's
//! indirect registers, interrupt windows; and the reset the kit applies between cases on x86.
//!
//! Interrupt delivery on x86 is asynchronous, so the kit keeps RFLAGS.IF = 0 except in
//! [`Ctx::take_interrupts`] windows, whose deliveries are observations (`vec 0x31`, `novec`).
//! The handler never EOIs: a case ends what it took with [`Ctx::lapic_eoi`] or
//! [`Ctx::x2apic_eoi`], as a GIC case ends what it acknowledged.

use crate::regs::{ioapic, lapic, vtd};
use crate::{Observation, Platform, Site, Taken, Vector, Width};

/// The spurious-interrupt vector the kit's reset programs into SVR (SDM vol. 3 §11.9: bits 3:0
/// of it are hard-wired to 1 on some processors, so 0xff is the one safe choice).
pub const SPURIOUS_VECTOR: Vector = Vector::new(0xff);

/// Rounds of EOI the reset makes to empty the ISR, and windows it opens to drain the IRR.
const RESET_ROUNDS: u32 = 64;

impl crate::Ctx<'_> {
    /// Opens an interrupt window on this CPU ([`Platform::take_interrupts`]) and records what it
    /// delivered: `Observation::Vector` per vector in order, or `Observation::NoVector`.
    pub fn take_interrupts(&mut self) -> Taken {
        let taken = self.raw().take_interrupts();
        if taken.is_empty() {
            self.observe(Observation::NoVector);
        }
        for &vector in taken.as_slice() {
            self.observe(Observation::Vector(vector));
        }
        taken
    }

    /// Reads the xAPIC register at `offset` (traced).
    pub fn lapic_read(&mut self, offset: u32) -> u32 {
        self.read32(Site::Lapic(offset))
    }

    /// Writes the xAPIC register at `offset`.
    pub fn lapic_write(&mut self, offset: u32, value: u32) {
        self.write32(Site::Lapic(offset), value);
    }

    /// RDMSR (traced; a #GP is recorded as an `xflt` and reads as 0).
    pub fn rdmsr(&mut self, msr: u32) -> u64 {
        self.read(Site::Msr(msr), Width::B64)
    }

    /// WRMSR (a #GP is recorded as an `xflt`).
    pub fn wrmsr(&mut self, msr: u32, value: u64) {
        self.write(Site::Msr(msr), Width::B64, value);
    }

    /// EOI in xAPIC mode: a write of 0 to the EOI register (SDM vol. 3 §11.8.5).
    pub fn lapic_eoi(&mut self) {
        self.lapic_write(lapic::EOI, 0);
    }

    /// EOI in x2APIC mode: WRMSR 0x80b with 0 (a non-zero value raises #GP, §11.12.1.2).
    pub fn x2apic_eoi(&mut self) {
        self.wrmsr(lapic::x2apic_msr(lapic::EOI), 0);
    }

    /// Switches this CPU's local APIC from xAPIC to x2APIC mode: IA32_APIC_BASE.EXTD = 1 with
    /// EN = 1 (SDM vol. 3 §11.12.1, figure 11-28). The read is set-up (untraced); a #GP on the
    /// write is recorded. The kit's reset switches back before the next case.
    pub fn enable_x2apic(&mut self) {
        let base = self
            .raw()
            .read(Site::Msr(lapic::IA32_APIC_BASE), Width::B64)
            .unwrap_or(0);
        let mode = lapic::ApicBase::EN | lapic::ApicBase::EXTD;
        self.wrmsr(lapic::IA32_APIC_BASE, base | mode.bits());
    }

    /// Reads IOAPIC indirect register `index`: IOREGSEL then IOWIN (82093AA §3.1).
    pub fn ioapic_read(&mut self, index: u32) -> u32 {
        self.write32(Site::Ioapic(ioapic::IOREGSEL), index);
        self.read32(Site::Ioapic(ioapic::IOWIN))
    }

    /// Writes IOAPIC indirect register `index`.
    pub fn ioapic_write(&mut self, index: u32, value: u32) {
        self.write32(Site::Ioapic(ioapic::IOREGSEL), index);
        self.write32(Site::Ioapic(ioapic::IOWIN), value);
    }
}

/// The x86 reset between cases, untraced: the IOAPIC's pins masked; the VT-d unit's remapping
/// and queued invalidation off and its faults cleared; on every online CPU the local APIC back
/// in xAPIC mode (through the disabled state when it was in x2APIC mode, SDM vol. 3 §11.12.5),
/// software-enabled with spurious vector [`SPURIOUS_VECTOR`], TPR 0, its LVT entries masked and
/// the timer stopped, the flat logical model with LDR 0, the ISR emptied by EOIs, the IRR
/// drained through windows (each vector taken is EOIed; an illegal vector 0-15 a target accepted
/// anyway stays, as it would on that target), the TMR bits of earlier
/// level-triggered vectors cleared by edge-triggered self-IPIs, and ESR cleared.
pub fn quiesce(p: &mut dyn Platform) {
    let info = p.info();
    for pin in 0..info.x86.ioapic_pins {
        let index = ioapic::redirection_low(pin);
        ioapic_set(p, index, ioapic::REDIRECTION_MASKED as u32);
        ioapic_set(p, index + 1, 0);
    }
    if info.x86.iommu {
        remapping_off(p);
    }
    for cpu in 0..info.cpus {
        // A CPU that cannot run the reset fails the case that uses it (`offline`).
        let _ = p.on_cpu(cpu, &mut local_apic);
    }
}

/// The first VT-d unit with every GCMD command off (interrupt remapping, queued invalidation,
/// compatibility format; VT-d §10.4.4), its fault recording registers' F bits and the
/// write-1-to-clear FSTS bits cleared and fault events masked. GSTS.IRTPS (and RTPS) stay as
/// an earlier SIRTP (SRTP) left them: no command clears them (§10.4.5), so cases do not judge
/// them (`util::gcmd` checks the persistent status bits only).
fn remapping_off(p: &mut dyn Platform) {
    let _ = p.write(Site::Dmar(vtd::GCMD), Width::B32, 0);
    let cap = p.read(Site::Dmar(vtd::CAP), Width::B64).unwrap_or(0);
    let records = (cap >> 40 & 0xff) + 1;
    let first = vtd::fault_record_offset(cap);
    for n in 0..records.min(256) as u32 {
        let hi = Site::Dmar(first + 16 * n + 8);
        let _ = p.write(hi, Width::B64, 1 << 63);
    }
    let _ = p.write(
        Site::Dmar(vtd::FSTS),
        Width::B32,
        vtd::Fsts::all().bits().into(),
    );
    let _ = p.write(Site::Dmar(vtd::FECTL), Width::B32, vtd::FECTL_IM.into());
}

fn ioapic_set(p: &mut dyn Platform, index: u32, value: u32) {
    let w = Width::B32;
    // A reset step the target rejects shows up in the case that depends on it.
    let _ = p.write(Site::Ioapic(ioapic::IOREGSEL), w, index.into());
    let _ = p.write(Site::Ioapic(ioapic::IOWIN), w, value.into());
}

fn lapic_set(p: &mut dyn Platform, offset: u32, value: u32) {
    let _ = p.write(Site::Lapic(offset), Width::B32, value.into());
}

fn lapic_get(p: &mut dyn Platform, offset: u32) -> u32 {
    p.read(Site::Lapic(offset), Width::B32).unwrap_or(0) as u32
}

/// The calling CPU's local APIC (see [`quiesce`]).
fn local_apic(p: &mut dyn Platform) {
    let msr = Site::Msr(lapic::IA32_APIC_BASE);
    if let Ok(raw) = p.read(msr, Width::B64) {
        let base = lapic::ApicBase::from_bits_retain(raw);
        let mode = lapic::ApicBase::EN | lapic::ApicBase::EXTD;
        if base.contains(lapic::ApicBase::EXTD) {
            let _ = p.write(msr, Width::B64, (base - mode).bits());
        }
        if base.contains(lapic::ApicBase::EXTD) || !base.contains(lapic::ApicBase::EN) {
            let _ = p.write(
                msr,
                Width::B64,
                ((base - mode) | lapic::ApicBase::EN).bits(),
            );
        }
    }
    lapic_set(p, lapic::SVR, lapic::Svr::enabled(SPURIOUS_VECTOR).0);
    lapic_set(p, lapic::TPR, 0);
    lapic_set(p, lapic::DFR, lapic::DFR_FLAT);
    lapic_set(p, lapic::LDR, 0);
    for lvt in [
        lapic::LVT_TIMER,
        lapic::LVT_LINT0,
        lapic::LVT_LINT1,
        lapic::LVT_ERROR,
    ] {
        lapic_set(p, lvt, lapic::LVT_MASKED);
    }
    lapic_set(p, lapic::TIMER_INITIAL, 0);
    for _ in 0..RESET_ROUNDS {
        if !any_set(p, lapic::ISR) {
            break;
        }
        lapic_set(p, lapic::EOI, 0);
    }
    for _ in 0..RESET_ROUNDS {
        if !deliverable_pending(p) {
            break;
        }
        let taken = p.take_interrupts();
        for _ in taken.as_slice() {
            lapic_set(p, lapic::EOI, 0);
        }
    }
    clear_trigger_modes(p);
    // ESR is written before it is read (SDM vol. 3 §11.5.3); the write clears it.
    lapic_set(p, lapic::ESR, 0);
    lapic_set(p, lapic::ESR, 0);
}

/// Clears the TMR bits earlier cases left set. A TMR bit keeps the trigger mode of the last
/// interrupt accepted with its vector (SDM vol. 3 §11.8.4: set for level-triggered, cleared for
/// edge-triggered acceptance), and only INIT clears the register as a whole (§11.4.7.1), so a
/// level-triggered vector of an earlier case stays set. Each one is sent to this CPU as an
/// edge-triggered fixed self-IPI, taken and EOIed (an edge vector's EOI is not broadcast to the
/// IOAPICs, §11.8.5), which leaves every TMR bit clear, as on a fresh local APIC.
fn clear_trigger_modes(p: &mut dyn Platform) {
    for n in 0..8u32 {
        let word = lapic_get(p, lapic::TMR + 0x10 * n);
        for bit in (0..32).filter(|bit| word >> bit & 1 != 0) {
            let vector = (32 * n + bit) as u8;
            if vector < 16 {
                // Vectors 0..15 are reserved and never accepted (§11.5.2).
                continue;
            }
            let icr = lapic::Icr::xapic(
                lapic::DeliveryMode::Fixed,
                vector,
                lapic::Shorthand::SelfOnly,
                0,
            );
            lapic_set(p, lapic::ICR_LOW, icr.low());
            for _ in 0..RESET_ROUNDS {
                let taken = p.take_interrupts();
                for _ in taken.as_slice() {
                    lapic_set(p, lapic::EOI, 0);
                }
                if !deliverable_pending(p) && !any_set(p, lapic::ISR) {
                    break;
                }
            }
        }
    }
}

/// Whether the IRR holds a vector the local APIC can still deliver: one of 16-255. Vectors 0-15
/// are illegal (SDM vol. 3 §11.5.2); a local APIC that accepted one anyway never delivers it
/// (its priority class, 0, never exceeds the processor priority, §11.8.3.1), so a window waiting
/// for it waits for nothing, and no reset can clear it.
fn deliverable_pending(p: &mut dyn Platform) -> bool {
    (0..8).any(|n| {
        let word = lapic_get(p, lapic::IRR + 0x10 * n);
        let deliverable = match n {
            0 => word & !ILLEGAL_VECTORS,
            _ => word,
        };
        deliverable != 0
    })
}

/// IRR word 0's bits of vectors 0-15.
const ILLEGAL_VECTORS: u32 = 0xffff;

/// Whether any bit of the 256-bit register array at `base` (ISR, IRR) is set.
fn any_set(p: &mut dyn Platform, base: u32) -> bool {
    (0..8).any(|n| lapic_get(p, base + 0x10 * n) != 0)
}
