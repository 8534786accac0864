//! Register sweeps: every register of an interrupt controller written with every pattern
//! (`engine::patterns`: all ones, all zeros, and each bit alone in the registers that stand for
//! a kind, the first of a block) at every legal width, each write read back, reserved offsets
//! included. One case per register (`sweep.gicd-itargetsr`), judged
//! in lockstep like any case: the sweep says nothing of what a register should read, the model
//! does, so a departure shows on any bit of any register, not only on those a hand-written case
//! looks at. The kit's reset between cases restores what a sweep changed.
//!
//! Where a register's fields are partly the implementation's choice, a read records the
//! architected bits as the read and the others as an implementation-defined value
//! (`engine::Reading`); a write keeps the bits an architecturally legal write must keep.

use guest_kit::Case;

mod engine;
mod gicd;

/// The sweep cases, in run order.
pub const CASES: &[Case] = &gicd::CASES;
