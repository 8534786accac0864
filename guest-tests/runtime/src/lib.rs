//! The bare-metal guests' shared runtime: the parts of the aarch64 and x86_64 guests that do not
//! depend on the architecture, written once.
//!
//! - [`arena`]: the RAM set aside for tables interrupt hardware reads on its own (LPI tables,
//!   ITS queues on Arm; VT-d tables on x86), with bounds-checked copies in and out.
//! - [`console`]: the record stream on top of a UART: one sequence number per line, taken under
//!   a per-line lock that knows its owner, and the assembly of an input line from received bytes.
//! - [`mailbox`]: the per-CPU mailboxes through which the CPU running a case runs code on
//!   another, and the bookkeeping of secondary CPUs coming online.
//!
//! What differs per architecture (UART and port access, barriers, the wake-up of waiting CPUs,
//! the clock, starting a CPU) stays in each guest; the few operations this crate needs come in
//! through the [`Cpu`] trait, which each guest implements with its own instructions.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod arena;
pub mod console;
pub mod cpu;
pub mod mailbox;

pub use cpu::Cpu;
