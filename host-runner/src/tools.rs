//! Finding the external tools a backend needs, with the command that installs a missing one.

use std::path::PathBuf;

use crate::backend::Unavailable;

/// The path of `program` on `PATH`.
pub fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// `Ok` when `program` is on `PATH`; otherwise why not and `fix`.
pub fn require(program: &str, fix: &str) -> Result<(), Unavailable> {
    match find(program) {
        Some(_) => Ok(()),
        None => Err(Unavailable {
            reason: format!("{program} is not installed"),
            fix: fix.to_owned(),
        }),
    }
}
