//! arm64 Debian packages on an x86_64 host without changing dpkg's architecture: a private apt
//! state (its own package lists and cache) resolves and downloads the `.deb`, and `dpkg -x`
//! unpacks it into a folder. Nothing is installed on the host. A versioned package (the kernel's
//! `linux-image-6.1.0-NN-arm64`) is resolved through the metapackage that depends on it, never
//! pinned: the security archive keeps only the newest ABI.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools;

/// A private apt state in one folder: `lists/`, `cache/` and the downloaded `debs/`.
pub struct PrivateApt {
    dir: PathBuf,
}

impl PrivateApt {
    /// The state kept in `dir` (created on first use).
    pub fn new(dir: &Path) -> PrivateApt {
        PrivateApt {
            dir: dir.to_path_buf(),
        }
    }

    /// apt-get with this state's options, for arm64 only.
    fn apt_get(&self) -> Command {
        let mut cmd = Command::new("apt-get");
        let lists = self.dir.join("lists");
        let cache = self.dir.join("cache");
        cmd.args([
            "-qq",
            "-oAPT::Architecture=arm64",
            "-oAPT::Architectures=arm64",
            // The download lands in a folder `_apt` may not write to: download as the caller.
            "-oAPT::Sandbox::User=root",
        ])
        .arg(format!("-oDir::State::Lists={}", lists.display()))
        .arg(format!("-oDir::Cache={}", cache.display()));
        cmd
    }

    /// The package `metapackage` depends on whose name starts with `prefix`
    /// (`apt-cache depends`).
    pub fn resolve(&self, metapackage: &str, prefix: &str) -> Result<String, String> {
        let mut cmd = Command::new("apt-cache");
        cmd.args(["-oAPT::Architecture=arm64", "-oAPT::Architectures=arm64"])
            .arg(format!(
                "-oDir::State::Lists={}",
                self.dir.join("lists").display()
            ))
            .arg(format!("-oDir::Cache={}", self.dir.join("cache").display()))
            .args(["depends", metapackage]);
        let stdout = tools::output(&mut cmd)?;
        versioned_dependency(&stdout, prefix).ok_or_else(|| {
            format!("apt-cache depends {metapackage} names no {prefix}* package:\n{stdout}")
        })
    }

    /// Refreshes the package lists (arm64 only).
    pub fn update(&self) -> Result<(), String> {
        for sub in ["lists/partial", "cache/archives/partial", "debs"] {
            let dir = self.dir.join(sub);
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        run(self.apt_get().arg("update"))
    }

    /// Downloads `package` (the candidate version) and returns the `.deb`'s path, whatever
    /// revision the archive holds.
    pub fn download(&self, package: &str) -> Result<PathBuf, String> {
        let debs = self.dir.join("debs");
        run(self
            .apt_get()
            .args(["download", package])
            .current_dir(&debs))?;
        newest_deb(&debs, package).ok_or_else(|| {
            format!(
                "apt-get download {package} left no .deb in {}",
                debs.display()
            )
        })
    }
}

/// The most recently written `<package>_*_arm64.deb` in `dir`.
pub fn newest_deb(dir: &Path, package: &str) -> Option<PathBuf> {
    let prefix = format!("{package}_");
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(&prefix) && name.ends_with("_arm64.deb")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .map(|(_, path)| path)
}

/// The first `Depends:` line of `apt-cache depends` output whose package starts with `prefix`.
pub fn versioned_dependency(depends_output: &str, prefix: &str) -> Option<String> {
    depends_output
        .lines()
        .filter_map(|l| l.trim().trim_start_matches('|').strip_prefix("Depends:"))
        .map(str::trim)
        .find(|p| p.starts_with(prefix))
        .map(|p| p.split_whitespace().next().unwrap_or(p).to_owned())
}

/// Unpacks `deb` into `dir` (`dpkg -x`).
pub fn extract(deb: &Path, dir: &Path) -> Result<(), String> {
    run(Command::new("dpkg").arg("-x").arg(deb).arg(dir))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    tools::output(cmd).map(drop)
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

    #[test]
    fn the_newest_deb_of_the_package_is_found_whatever_its_revision() {
        let dir = std::env::temp_dir().join(format!("irqsuite-debs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in [
            "xen-hypervisor-4.17-arm64_4.17.7+13-g2445b30a44-0+deb12u1_arm64.deb",
            "xen-hypervisor-4.17-arm64-dbg_4.17.7_arm64.deb",
            "xen-utils_4.17.7_arm64.deb",
        ] {
            std::fs::write(dir.join(name), b"").unwrap();
        }
        let found = newest_deb(&dir, "xen-hypervisor-4.17-arm64");
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            found.and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())),
            Some("xen-hypervisor-4.17-arm64_4.17.7+13-g2445b30a44-0+deb12u1_arm64.deb".into())
        );
    }
}
