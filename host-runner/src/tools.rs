//! Finding the external tools a backend needs, with the command that installs a missing one.

use std::path::PathBuf;
use std::process::Command;

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

/// Runs `cmd` to completion; its standard output, or an error naming the command with its exit
/// status and standard error.
pub fn output(cmd: &mut Command) -> Result<String, String> {
    let shown = format!("{cmd:?}");
    let out = cmd.output().map_err(|e| format!("{shown}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "{shown} failed ({}): {}",
            out.status,
            stderr.trim()
        ))
    }
}
