//! irqsuite's reference GIC: a pure model of an Arm Generic Interrupt Controller as seen by a
//! Non-secure guest with one Security state — GICv2 without the Security Extensions
//! (Arm IHI 0048B) or GICv3 with `GICD_CTLR.DS == 1` and affinity routing always enabled
//! (Arm IHI 0069H) — plus the EL1 virtual timer (Arm ARM D11.2).
//!
//! The host runner replays a guest's trace through this model and compares every register
//! value; behaviour therefore comes from the specifications only (cited by section next to the
//! code), never from a hypervisor's or the guest kit's code, so a guest and the model cannot
//! share a bug.
//!
//! # Architecture invariants
//!
//! - **Pure.** No I/O, no clocks, no threads, no dependencies. Time is injected
//!   ([`VirtualTimer`] takes `now`); devices drive lines through [`Gic::set_line`].
//! - **`no_std` + `alloc`.** The same code runs in-process on the host (the reference backend,
//!   the replay) and at EL2 in refvisor (`host-runner/refvisor`, `aarch64-unknown-none`), whose
//!   heap it allocates from.
//! - **Register maps are data.** Every frame is a `const` table of rows (offset, length, bits
//!   per INTID, allowed widths, read handler, write handler) in `mmio::{dist, redist, gicc}`.
//!   One dispatcher (`mmio::dispatch_read` / `dispatch_write`) owns width, alignment and
//!   RAZ/WI for unmapped offsets, and records what it ignored ([`Gic::take_ignored`]).
//!   Adding a register (ITS, LPIs, list registers) is adding rows.
//! - **Pending is derived.** An interrupt is pending when its latch is set, or, if it is
//!   level-sensitive, while its line is high (`irq::Irq::is_pending`).
//! - **One oracle.** `oracle::highest_pending` is the single definition of "the highest
//!   priority pending interrupt of a CPU"; IAR and HPPIR (v2 and v3) both use it, and only
//!   the CPU interface (`cpuif`) applies the priority mask and preemption on top.
//! - **Guest memory is a seam.** LPI tables, the ITS command queue and the ITS tables live
//!   in guest memory, reached through [`GuestMemory`] (read/write at a guest physical
//!   address). The `Gic` owns a `Box<dyn GuestMemory>` ([`SparseMemory`] unless
//!   [`Gic::with_memory`] gives another); the host copies the guest's writes in through
//!   [`Gic::memory_mut`]. The model stays pure: no I/O, just bytes.
//! - **LPIs join the one oracle.** Pending LPIs (per redistributor, `lpi`) are candidates
//!   next to SGIs/PPIs/SPIs in `oracle::highest_pending`; they have no active state.
//! - **ITS commands are a flat loop over one handler per command** (`its::cmd`,
//!   `its::handlers`); errors are named after the spec ([`ItsError`]) and what follows one is a
//!   documented choice from an allowed set ([`allowed_command_error_choices`]).
//! - **The list-register layer is the hypervisor half plus a simulated hardware half.**
//!   [`Vgic`] keeps a per-vCPU ap_list ([`ap_list`], one order: active, then pending by
//!   priority, then INTID) over the distributor model and moves state across a world switch
//!   with two verbs: [`Vgic::flush`] (model → [`lr::ListRegister`]s, plus the maintenance
//!   requests) and [`Vgic::fold`] (registers + EOIcount → model, returning [`Effect`]s such
//!   as physical deactivations). The model stays the authority between a fold and the next
//!   flush. [`VcpuIf`] is what a guest sees through GICV_*/ICV_* registers: it works on the
//!   list registers, VMCR and the active priorities only. GICv2/GICv3 register encodings
//!   sit behind one seam (`lr::v2`, `lr::v3`); the layer reaches `Gic` state only through
//!   `vgic::seam`. The property test `tests/lr_layer.rs` holds the layer to the direct
//!   model: a guest observes the same either way.
//! - **Never panics on guest input.** Nonexistent CPUs, frames, INTIDs, offsets and widths are
//!   RAZ/WI.
//!
//! # Implementation-defined choices (irqsuite's values)
//!
//! - IIDR: [`DEFAULT_IIDR`] = 0x0000_043b (Implementer Arm) for GICD_IIDR and GICR_IIDR;
//!   GICC_IIDR = 0x0002_043b (ArchVersion 2). ICPIDR2 = 0x2b (GICv2), GICD/GICR_PIDR2 = 0x3b
//!   (GICv3); the other identification registers read 0.
//! - Reset: every interrupt disabled, inactive, not pending, priority 0, Group 0 (v2) /
//!   Group 1 (v3), PPIs and SPIs level-sensitive, ITARGETSR 0, IROUTER 0 (Aff 0.0.0.0, IRM 0).
//!   CPU interfaces: disabled, PMR 0, BPR = `7 - pri_bits` (min 0), ABPR/BPR1 = BPR + 1,
//!   EOImode 0. GICR_WAKER.ProcessorSleep = 1.
//! - SGI enables are RW (not RAO/WI). PPI trigger configuration is read-only, level.
//! - GICv2: GICD_SPENDSGIR/CPENDSGIR are modelled (per-source SGI pending). On one CPU,
//!   GICD_ITARGETSR is RAZ/WI and every SPI targets CPU 0. GICC_CTLR implements EnableGrp0/1,
//!   AckCtl, CBPR and EOImodeS; the other bits are RAZ/WI.
//! - GICv3: GICD_TYPER.IDbits = 9, A3V = 1, No1N = 0; ICC_CTLR_EL1.CBPR and PMHE RAZ/WI.
//! - Ties between equal priorities go to the lowest INTID (then the lowest source CPU).
//! - An EOI with no active priority, or a DIR write with EOImode 0, is ignored.
//! - Active priorities: one bit per preemption level (`pri_bits`, at most 7 bits); GICC_APR0 /
//!   GICC_NSAPR0 / ICC_AP1R0_EL1 show levels 0-31.
//! - Virtual timer: ISTATUS reads 0 while the timer is disabled; CVAL resets to 0.
//! - LPIs (when configured): GICD_TYPER.IDbits = `lpi_id_bits - 1` (14..=16 bits),
//!   GICR_CTLR.EnableLPIs one-way (CES = 0), GICR_PROPBASER/PENDBASER frozen once it is set,
//!   a per-redistributor configuration cache refreshed only by INV/INVALL, the pending table
//!   read once at EnableLPIs unless PTZ (see `lpi`).
//! - ITS (when configured): one 128 KiB [`Frame::Its`]; GITS_TYPER PTA = 0, ITT entries of 8
//!   bytes, SEIS = 0; Device table in GITS_BASER0, Collection table in GITS_BASER1 (flat or
//!   two-level), HCC collections in the ITS; a CPU's GITS_TRANSLATER write uses
//!   [`ItsConfig::cpu_device_id`]; a command error stalls the queue by default
//!   ([`ItsConfig::command_error`]); see `its` for the rest.

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

pub mod ap_list;
mod config;
mod cpuif;
mod gic;
mod irq;
mod its;
mod lpi;
pub mod lr;
mod memory;
mod mmio;
mod oracle;
mod sgi;
mod sysreg;
mod timer;
mod vcpu_if;
mod vgic;

pub use config::{CpuId, DEFAULT_IIDR, GicConfig, ItsConfig, Version};
pub use gic::{Gic, MAX_IGNORED};
pub use irq::Group;
pub use its::{
    CommandErrorChoice, CommandErrorRecord, ItsError, MAX_ITS_ERRORS, allowed_command_error_choices,
};
pub use lpi::FIRST_LPI;
pub use memory::{
    CloneGuestMemory, GuestMemory, MemoryError, SPARSE_DEFAULT_PAGES, SPARSE_LIMIT, SPARSE_PAGE,
    SparseMemory,
};
pub use mmio::{AccessKind, Frame, IgnoreReason, IgnoredAccess};
pub use sysreg::Sysreg;
pub use timer::{TimerReg, VirtualTimer};
pub use vcpu_if::{DirResult, VcpuIf};
pub use vgic::{Effect, EoiMode, FlushResult, Vgic};
