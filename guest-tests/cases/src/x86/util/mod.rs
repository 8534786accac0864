//! Steps the x86 cases share, one file per area: the local APIC (IPIs, IRR/ISR/TMR bits,
//! windows), its timer, the IOAPIC (entries, the host-driven line), VT-d (handshakes, tables,
//! queued invalidation, faults, MSIs) and posting. Set-up reads (APIC IDs, register offsets)
//! are untraced; everything a case judges is traced.

mod apic;
mod ioapic;
mod posted;
mod timer;
mod vtd;

pub use apic::*;
pub use ioapic::*;
pub use posted::*;
pub use timer::*;
pub use vtd::*;
