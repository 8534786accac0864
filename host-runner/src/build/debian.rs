//! Debian packages of another architecture without touching dpkg's own: a private apt state
//! (its own package lists and cache under a folder of ours) fetches `.deb`s, and `dpkg -x`
//! unpacks them into a folder. Versioned package names are resolved through the metapackage
//! that depends on them (the security archive keeps only the newest ABI, so a name is never
//! pinned).

use std::path::{Path, PathBuf};
use std::process::Command;

/// apt with its own architecture, lists and cache, all under `dir`.
pub struct AptState {
    dir: PathBuf,
    arch: &'static str,
}

impl AptState {
    /// A private apt state for `arch` (Debian's name: `arm64`) kept in `dir`.
    pub fn new(dir: &Path, arch: &'static str) -> AptState {
        AptState {
            dir: dir.to_owned(),
            arch,
        }
    }

    /// The `-o` options that point apt at this state.
    fn options(&self) -> Vec<String> {
        let dir = self.dir.display();
        vec![
            format!("-oAPT::Architecture={}", self.arch),
            format!("-oAPT::Architectures={}", self.arch),
            format!("-oDir::State::Lists={dir}/lists"),
            format!("-oDir::Cache={dir}/cache"),
        ]
    }

    /// `apt-get update` into this state.
    pub fn update(&self) -> Result<(), String> {
        for sub in ["lists/partial", "cache/archives/partial"] {
            let path = self.dir.join(sub);
            std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        run(Command::new("apt-get")
            .args(self.options())
            .args(["update", "-qq"]))
        .map(drop)
    }

    /// The package `metapackage` depends on whose name starts with `prefix`.
    pub fn resolve(&self, metapackage: &str, prefix: &str) -> Result<String, String> {
        let out = run(Command::new("apt-cache")
            .args(self.options())
            .args(["depends", metapackage]))?;
        versioned_dependency(&out, prefix).ok_or_else(|| {
            format!("apt-cache depends {metapackage} names no {prefix}* package:\n{out}")
        })
    }

    /// Downloads `package`'s `.deb` into `into`; returns its path.
    pub fn download(&self, package: &str, into: &Path) -> Result<PathBuf, String> {
        std::fs::create_dir_all(into).map_err(|e| format!("{}: {e}", into.display()))?;
        run(Command::new("apt-get")
            .args(self.options())
            .args(["download", "-qq", package])
            .current_dir(into))?;
        let prefix = format!("{package}_");
        std::fs::read_dir(into)
            .map_err(|e| format!("{}: {e}", into.display()))?
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".deb"))
            })
            .ok_or_else(|| {
                format!(
                    "apt-get download {package} left no .deb in {}",
                    into.display()
                )
            })
    }
}

/// `dpkg -x deb dir`.
pub fn extract(deb: &Path, dir: &Path) -> Result<(), String> {
    run(Command::new("dpkg").arg("-x").arg(deb).arg(dir)).map(drop)
}

/// The first `Depends:` line of `apt-cache depends` output whose package starts with `prefix`.
pub fn versioned_dependency(depends_output: &str, prefix: &str) -> Option<String> {
    depends_output
        .lines()
        .filter_map(|l| l.trim().trim_start_matches('|').strip_prefix("Depends:"))
        .map(str::trim)
        .find(|p| p.starts_with(prefix) && !p.starts_with('<'))
        .map(|p| p.split_whitespace().next().unwrap_or(p).to_owned())
}

/// Runs `cmd`; its stdout, or what went wrong with its stderr.
fn run(cmd: &mut Command) -> Result<String, String> {
    let shown = format!("{cmd:?}");
    let out = cmd.output().map_err(|e| format!("{shown}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{shown} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_versioned_kernel_is_read_from_the_metapackage_dependencies() {
        let out = "linux-image-arm64\n  Depends: linux-image-6.1.0-56-arm64\n";
        assert_eq!(
            versioned_dependency(out, "linux-image-").as_deref(),
            Some("linux-image-6.1.0-56-arm64")
        );
    }

    #[test]
    fn dependencies_with_another_prefix_or_virtual_ones_are_passed_over() {
        let out = "x\n  Depends: <linux-image-virtual>\n  Depends: kmod\n |Depends: linux-image-6.12.1-arm64\n";
        assert_eq!(
            versioned_dependency(out, "linux-image-").as_deref(),
            Some("linux-image-6.12.1-arm64")
        );
        assert_eq!(
            versioned_dependency("x\n  Depends: kmod\n", "linux-image-"),
            None
        );
    }
}
