//! irqsuite's host side: plan a run, boot the guests, decode their traces, replay every trace
//! through the reference model, and report.
//!
//! **Architecture invariants**
//! - Execution ([`run`], [`backend`]) produces [`events::RunEvent`]s and never formats output;
//!   reporters ([`report`]) consume them.
//! - Everything hypervisor-specific lives in one module under [`backend`].
//! - A target's verdict comes from its own trace replayed in lockstep through the reference model
//!   ([`replay`], [`judge`]); a run that ends without a case's end record is an error for that
//!   case, never a pass.
#![deny(unsafe_op_in_unsafe_fn)]

pub mod backend;
pub mod baseline;
pub mod build;
pub mod builds;
pub mod cli;
pub mod debian;
pub mod events;
pub mod exec;
pub mod export;
pub mod judge;
pub mod list;
pub mod matrix;
pub mod model;
pub mod observed;
pub mod plan;
pub mod replay;
pub mod report;
pub mod results;
pub mod run;
pub mod session;
pub mod setup;
pub mod tools;
pub mod verdict;

use std::path::PathBuf;

/// The irqsuite source tree: `IRQSUITE_ROOT`, or the workspace this binary was built from.
pub fn workspace_root() -> PathBuf {
    match std::env::var_os("IRQSUITE_ROOT") {
        Some(root) => PathBuf::from(root),
        None => {
            let runner = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            runner.parent().unwrap_or(runner).to_path_buf()
        }
    }
}
