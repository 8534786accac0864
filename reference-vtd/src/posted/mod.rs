//! Posted interrupts: the descriptor and the two posting paths ([`descriptor`]), and the
//! hypervisor's side — vCPU run states, notification and wake-up vectors, the per-pCPU
//! blocked lists ([`vcpu`]) — as seed 001 (the VT-d posted-interrupt design) describes them.
//!
//! Invariants:
//! - Every descriptor update goes through guest memory (the descriptor is shared with the
//!   remapping hardware); the state here is only what the hypervisor keeps beside it.

pub mod descriptor;
pub mod vcpu;
