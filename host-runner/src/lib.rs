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
pub mod diff;
pub mod events;
pub mod exec;
pub mod export;
pub mod interrupt;
pub mod judge;
pub mod last_run;
pub mod list;
pub mod matrix;
pub mod model;
pub mod observed;
pub mod plan;
pub mod replay;
pub mod report;
pub mod repro;
pub mod results;
pub mod run;
pub mod session;
pub mod setup;
pub mod tools;
pub mod traced;
pub mod verdict;

use std::path::{Path, PathBuf};

/// The environment variable that names the irqsuite source tree explicitly.
pub const ROOT_ENV: &str = "IRQSUITE_ROOT";

/// The irqsuite source tree this command works in: `IRQSUITE_ROOT` when set, else the nearest
/// folder at or above the current directory that is one ([`is_tree`]). Never the tree the binary
/// was built in: a copied or installed `irqsuite` boots the images of, and writes the results
/// of, the tree it is run in.
pub fn find_root() -> Option<PathBuf> {
    if let Some(root) = std::env::var_os(ROOT_ENV) {
        return Some(PathBuf::from(root));
    }
    tree_above(&std::env::current_dir().ok()?)
}

/// The nearest irqsuite source tree at or above `dir`.
pub fn tree_above(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find(|d| is_tree(d)).map(Path::to_path_buf)
}

/// Whether `dir` is an irqsuite source tree: a Cargo workspace holding `host-runner/` and
/// `guest-tests/`.
pub fn is_tree(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file()
        && dir.join("host-runner").join("Cargo.toml").is_file()
        && dir.join("guest-tests").is_dir()
}

/// [`find_root`], or the current directory where there is none (the commands that need a tree
/// ask [`find_root`] first and stop with a usage error).
pub fn workspace_root() -> PathBuf {
    find_root().unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_is_found_from_any_folder_inside_it_and_nowhere_else() {
        let base = std::env::temp_dir().join(format!("irqsuite-tree-{}", std::process::id()));
        let tree = base.join("checkout");
        std::fs::create_dir_all(tree.join("host-runner/src/backend")).unwrap();
        std::fs::create_dir_all(tree.join("guest-tests")).unwrap();
        std::fs::write(tree.join("Cargo.toml"), "[workspace]\n").unwrap();
        std::fs::write(tree.join("host-runner/Cargo.toml"), "[package]\n").unwrap();
        let found = tree_above(&tree.join("host-runner/src/backend"));
        let outside = tree_above(&base);
        std::fs::remove_dir_all(&base).unwrap();
        assert_eq!(found, Some(tree));
        assert_eq!(outside, None);
    }
}
