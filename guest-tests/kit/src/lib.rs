//! The irqsuite guest kit: everything a test case is written against.
//!
//! This crate is `no_std` and compiles for the bare-metal guests and for the host alike, so the
//! host runner parses exactly the types the guest emits and runs exactly the case code the guest
//! runs (DESIGN.md, seam 1: "a case is written once").
//!
//! **Architecture invariants**
//! - A case touches the interrupt controller only through [`Ctx`], which traces every read, every
//!   faulting access, every implementation-defined value and every check as an [`Observation`].
//! - [`Platform`] is the one narrow seam below a case: raw register access by [`Site`]. The
//!   aarch64 guest implements it with single `ldr`/`str` and `mrs`/`msr` instructions, the
//!   x86_64 guest with single `mov`s and `rdmsr`/`wrmsr`; the host implements it with the pure
//!   reference model.
//! - On x86 interrupt delivery is asynchronous, so it is traced too: interrupts stay disabled
//!   except in explicit windows ([`Ctx::take_interrupts`]), whose deliveries are observations.
//! - The wire format ([`protocol`]) is the only thing a guest prints that the runner interprets.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod case;
pub mod ctx;
pub mod gic;
pub mod inject;
pub mod intid;
pub mod its;
pub mod lpi;
pub mod observation;
pub mod outcome;
pub mod platform;
pub mod protocol;
pub mod regs;
pub mod reset;
pub mod selection;
pub mod site;
pub mod target;
pub mod text;
pub mod vector;
pub mod x86;

pub use case::{Case, Needs};
pub use ctx::{Allowed, Ctx};
pub use gic::SgiTargets;
pub use intid::IntId;
pub use observation::Observation;
pub use outcome::Outcome;
pub use platform::{CpuOffline, Fault, Platform, Trace};
pub use site::{IccReg, RdFrame, Site, TimerReg, Width};
pub use target::{Arch, GicVersion, TargetInfo, X86Info};
pub use vector::{Taken, Vector};
