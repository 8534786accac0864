//! The RAM the guest sets aside for the interrupt controller's tables: the LPI configuration
//! and pending tables, the ITS command queue, device and collection tables, and ITTs
//! (`guest_kit::lpi` lays them out), as a [`guest_runtime::arena::Arena`]. The kit reports its
//! base in `cfg`, so the reference model puts its tables at the same addresses.
//!
//! The interrupt controller reads this memory on its own, so every write ends with a `dsb sy`
//! ([`crate::sysreg::barrier`]): a following MMIO write (GITS_CWRITER, an INV command) is then
//! ordered after it.

use guest_kit::lpi::ARENA_BYTES;
use guest_runtime::arena::Arena;

use crate::sysreg::Arch;

/// The arena, 64 KiB aligned (the LPI pending tables need it).
pub static ARENA: Arena<Arch, { ARENA_BYTES as usize }> = Arena::new();
