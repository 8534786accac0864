//! irqsuite's reference x86 interrupt model: a pure model of the local APIC (xAPIC and
//! x2APIC, Intel SDM vol. 3 ch. 11), the IOAPIC (82093AA datasheet, with the EOI register of
//! version 0x20 IOAPICs), MSI decoding (SDM §11.11), VT-d interrupt remapping and posted
//! interrupts (VT-d specification ch. 5, 6.5.2, 7, 9 and 11) and the hypervisor's vCPU
//! run-state handling of posted-interrupt descriptors (seed 001; SDM ch. 30 §30.6).
//!
//! The host runner replays a guest's trace through this model and compares every register
//! value and every vector taken; behaviour therefore comes from the specifications only (cited
//! by section next to the code), never from a hypervisor's or the guest kit's code.
//!
//! # Architecture invariants
//!
//! - **Pure.** `no_std` + `alloc`, no I/O, no clocks, no dependencies. Time is injected
//!   ([`Machine::advance_time`], `now` arguments); devices drive pins through
//!   [`Machine::set_line`] and send MSIs through [`Machine::msi`].
//! - **Register maps are data.** The xAPIC page and the x2APIC MSRs are two `const` tables over
//!   one register set and one dispatcher ([`lapic::regs`]); the IOAPIC's indirect registers
//!   ([`ioapic::regs::INDIRECT_MAP`]) and the remapping unit's registers
//!   ([`remap::regs::DMAR_MAP`], plus the fault records at their configured offset) are
//!   tables too. Front ends decide access rights, widths and
//!   faults; dispatchers never see an access they cannot handle.
//! - **Typed layouts.** ICR, LVT, SVR, ESR, IA32_APIC_BASE, redirection entries, MSI address
//!   and data, IRTEs (128-bit), posted-interrupt descriptors, GCMD/GSTS/FSTS/FECTL/IRTA/IQA
//!   and invalidation descriptors are newtypes with named fields ([`bits`]); fields are read
//!   and written through their accessors, and the only masks are the writable-bit constants
//!   declared beside each type.
//! - **One oracle.** [`LocalApic::highest_deliverable`] is the single definition of "the
//!   vector a CPU takes next" (SDM §11.8.3.1); the machine's interrupt window
//!   ([`Machine::take_interrupts`]) repeats it until nothing is deliverable.
//! - **Effects are values.** An ICR write returns an IPI, an EOI of a level vector an EOI
//!   broadcast, posting a notification ([`Effect`]); the IOAPIC returns upstream messages; the
//!   remapping unit returns translations and event interrupts. Only [`Machine`] applies them.
//! - **Memory is a seam.** The interrupt-remapping table, posted-interrupt descriptors, the
//!   invalidation queue and wait status words are read and written through [`GuestMemory`]
//!   ([`SparseMemory`] by default; [`Machine::memory_mut`] lets the host copy guest writes in).
//! - **Never panics on guest input.** Unknown CPUs, pins, offsets, widths and register values
//!   are ignored and recorded ([`Machine::take_ignored`]) or, for MSRs, raise #GP ([`Fault`]).
//!
//! # Driving it (the x86 seam)
//!
//! | trace | model |
//! | --- | --- |
//! | `Site::Lapic(off)` read / write (32-bit) | [`Machine::read_lapic`] / [`Machine::write_lapic`] |
//! | `Site::Msr(msr)` RDMSR / WRMSR | [`Machine::rdmsr`] / [`Machine::wrmsr`]; `Err(Fault)` is the #GP observation ([`Fault::vector`] 13, [`Fault::error_code`] 0) |
//! | `Site::Ioapic(off)` | [`Machine::read_ioapic`] / [`Machine::write_ioapic`] (IOREGSEL takes 1- or 4-byte writes) |
//! | `Site::Dmar(off)` | [`Machine::read_dmar`] / [`Machine::write_dmar`] (4 or 8 bytes) |
//! | a `take_interrupts` window | [`Machine::take_interrupts`]: the vectors in order; empty is `NoVector` |
//! | `Inject::Line { line, level }` | [`Machine::set_line`] |
//! | `Inject::Msi { .. }` | [`Machine::msi`] (address, data, requester ID) |
//! | time passing between observations | [`Machine::advance_time`] |
//! | guest writes to the IRT, the invalidation queue, descriptors | [`Machine::memory_mut`] before the access that uses them |
//!
//! NMI, INIT, SIPI, SMI and ExtINT deliveries are not vectors in a window: they are
//! [`LocalEvent`]s ([`Machine::take_events`]).
//!
//! # Implementation-defined choices (irqsuite's values)
//!
//! - CPU `n` has initial (and x2APIC) APIC ID `n`; CPU 0 is the BSP; every APIC starts in
//!   xAPIC mode at 0xFEE0_0000, software-disabled (SVR = 0xFF). MAXPHYADDR is 40
//!   ([`lapic::x2apic::PHYS_ADDR_BITS`]).
//! - Local APIC version register 0x0106_0014: version 0x14, seven LVT entries (CMCI included),
//!   EOI-broadcast suppression supported. The xAPIC ID register is writable; TSC-deadline mode
//!   is supported.
//! - A software-disabled APIC drops fixed and lowest-priority messages (SDM §11.4.7.2 only
//!   promises NMI, SMI, INIT and SIPI); vectors already in the IRR stay deliverable.
//! - An IPI with an illegal vector (0-15) is not sent (ESR "send illegal vector"); delivery
//!   modes 011 and 111 in the ICR send nothing; INIT level de-assert sends nothing. Vectors
//!   16-31 are legal (SDM §11.5.2).
//! - Delivery status bits (ICR, LVT, RTE) always read 0: sending is immediate. Spurious
//!   interrupts are never generated. Remote read (RRD) reads 0.
//! - Reads of write-only xAPIC registers return 0; an access to a reserved xAPIC offset sets
//!   ESR "illegal register address". x2APIC WRMSRs with any reserved bit set #GP
//!   (SDM §11.12.1.3), including TPR bits 31:8 and SELF IPI bits 31:8.
//! - Timer: one tick of injected time is one timer input clock and one TSC increment; changing
//!   the divide configuration mid-count restarts the countdown from the current count.
//! - Lowest priority: [`LowestPriority::ArbitrationPriority`] by default (focus processor,
//!   then lowest APR, then lowest CPU index); [`LowestPriority::VectorHashing`] and
//!   [`LowestPriority::RoundRobin`] are the other allowed choices
//!   ([`allowed_lowest_priority_choices`]).
//! - IOAPIC: version 0x0017_0020 (24 pins, EOI register at 0x40), ID from the configuration
//!   (0), arbitration ID = ID; pins are driven by assertion (polarity stored, not applied);
//!   remote IRR is set when a level message is sent; switching an entry to edge clears remote
//!   IRR; requests carry source-id 0xFF00 ([`DEFAULT_IOAPIC_SOURCE_ID`]).
//! - MSI: the x2APIC extended destination ID (address bits 11:5) is not modelled.
//! - VT-d: VER 0x10; CAP with FRO = 0x200 (configurable: [`RemapConfig::fault_records`]),
//!   NFR = 4 records, PI per configuration, ESIRTPS = 0; ECAP with QI, IR, EIM (configurable),
//!   IRO = 0x100, MHMV = 0xF. Present IRTEs are cached until an interrupt entry cache
//!   invalidation ([`EntryCache::Caches`]; [`EntryCache::ReadsThrough`], no cache, is the other
//!   allowed choice, [`allowed_entry_cache_choices`]). Without remapping enabled, requests are
//!   interpreted as compatibility format. Fault events are sent when a fault condition appears
//!   with no fault status pending; a masked event is held in IP and sent on unmask.
//!   Descriptor types 1-3 (DMA caches) are accepted as no-ops; types above 5 are an
//!   invalidation queue error; a wait descriptor whose status write fails is one too (the spec
//!   leaves it undefined); queue processing resumes when IQE is cleared.
//! - Posted-interrupt descriptors: reserved control bits 271:258 and 287:280 (and NDST's
//!   reserved bits in xAPIC mode) are checked (fault 28h); bits 511:320 are left alone. CPU
//!   posting honours SN like a non-urgent hardware post. A vCPU that blocks with ON already
//!   set stays runnable.

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

pub mod access;
pub mod bits;
pub mod effect;
pub mod ioapic;
pub mod lapic;
pub mod lowest;
pub mod machine;
pub mod memory;
pub mod message;
pub mod msi;
pub mod posted;
pub mod remap;
pub mod vector;

pub use access::{AccessKind, IgnoreReason, IgnoredAccess, Space};
pub use effect::{Effect, LocalEvent, Notification};
pub use ioapic::rte::RedirectionEntry;
pub use ioapic::{IOAPIC_PINS, IoApic, IoapicMessage, IoapicVersion, allowed_ioapic_versions};
pub use lapic::icr::Icr;
pub use lapic::lvt::{Esr, Lvt, LvtKind, Svr, TimerMode};
pub use lapic::x2apic::{ApicBase, Fault, GpReason, IA32_APIC_BASE, IA32_TSC_DEADLINE};
pub use lapic::{APIC_VERSION, ApicMode, LocalApic};
pub use lowest::{LowestPriority, allowed_lowest_priority_choices};
pub use machine::{DEFAULT_IOAPIC_SOURCE_ID, MAX_IGNORED, Machine, MachineConfig, Routing};
pub use memory::{GuestMemory, MemoryError, SparseMemory};
pub use message::{
    AddressFormat, DeliveryMode, Destination, DestinationMode, InterruptMessage, Shorthand, Target,
    TriggerMode,
};
pub use msi::{Decoded, MsiAddress, MsiData, MsiError};
pub use posted::descriptor::{PiControl, PiDescriptor, Urgency};
pub use posted::vcpu::{HostInterrupt, PiHost, PiHostConfig, RunState};
pub use remap::fault::FaultReason;
pub use remap::irte::{Irte, Posting, SourceValidation};
pub use remap::{
    BadFaultRecordOffset, EntryCache, FaultRecordOffset, RemapConfig, RemapUnit, Translation,
    allowed_entry_cache_choices,
};
pub use vector::{Vector, VectorSet};
