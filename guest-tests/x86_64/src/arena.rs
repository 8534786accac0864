//! The RAM the guest sets aside for tables that interrupt hardware reads on its own (on x86: the
//! VT-d interrupt remapping table, invalidation queue and posted-interrupt descriptors; no case
//! uses them yet), as a [`guest_runtime::arena::Arena`]. The kit reports its base in `cfg`, so
//! the reference model puts its tables at the same addresses. The same size and alignment as on
//! Arm (`guest_kit::lpi::ARENA_BYTES`, 64 KiB).
//!
//! Every write ends with an `mfence` ([`crate::cpu::barrier`]): a following MMIO write (a queue
//! tail) is ordered after it.

use guest_kit::lpi::ARENA_BYTES;
use guest_runtime::arena::Arena;

use crate::cpu::Arch;

/// The arena.
pub static ARENA: Arena<Arch, { ARENA_BYTES as usize }> = Arena::new();
