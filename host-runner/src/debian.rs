//! Debian packages of any release and architecture without touching the host's package state:
//! a private apt state (its own sources list naming one release, its own package lists and
//! cache) resolves and downloads a `.deb` or a source package, and `dpkg -x` unpacks a `.deb`
//! into a folder. Nothing is installed on the host and dpkg's architecture is not changed. A
//! versioned package (the kernel's `linux-image-6.1.0-NN-arm64`) is resolved through the
//! metapackage that depends on it, never pinned: the security archive keeps only the newest ABI.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::builds::Suite;
use crate::tools;

/// The keyring that signs Debian's archives (Debian's `debian-archive-keyring`).
const KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";

/// A private apt state in one folder for one release and architecture: `sources.list`,
/// `lists/`, `cache/`, the downloaded `debs/` and source packages in `src/`.
pub struct PrivateApt {
    dir: PathBuf,
    suite: Suite,
    arch: &'static str,
}

impl PrivateApt {
    /// The state of `suite` for `arch` (`arm64`, `amd64`) kept in `dir` (created on first use).
    pub fn new(dir: &Path, suite: Suite, arch: &'static str) -> PrivateApt {
        PrivateApt {
            dir: dir.to_path_buf(),
            suite,
            arch,
        }
    }

    /// The options that make apt use this state alone.
    fn options(&self) -> Vec<String> {
        let at = |sub: &str| self.dir.join(sub).display().to_string();
        vec![
            format!("-oAPT::Architecture={}", self.arch),
            format!("-oAPT::Architectures={}", self.arch),
            // Downloads land in a folder `_apt` may not write to: download as the caller.
            "-oAPT::Sandbox::User=root".to_owned(),
            format!("-oDir::State::Lists={}", at("lists")),
            format!("-oDir::Cache={}", at("cache")),
            format!("-oDir::Etc::SourceList={}", at("sources.list")),
            "-oDir::Etc::SourceParts=/nonexistent".to_owned(),
        ]
    }

    /// apt-get with this state's options.
    fn apt_get(&self) -> Command {
        let mut cmd = Command::new("apt-get");
        cmd.arg("-qq").args(self.options());
        cmd
    }

    /// The package `metapackage` depends on whose name starts with `prefix`
    /// (`apt-cache depends`).
    pub fn resolve(&self, metapackage: &str, prefix: &str) -> Result<String, String> {
        let mut cmd = Command::new("apt-cache");
        cmd.args(self.options()).args(["depends", metapackage]);
        let stdout = tools::output(&mut cmd)?;
        versioned_dependency(&stdout, prefix).ok_or_else(|| {
            format!("apt-cache depends {metapackage} names no {prefix}* package:\n{stdout}")
        })
    }

    /// Writes the sources list (the release, its updates and its security archive, binary and
    /// source) and refreshes the package lists.
    pub fn update(&self) -> Result<(), String> {
        for sub in ["lists/partial", "cache/archives/partial", "debs", "src"] {
            let dir = self.dir.join(sub);
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let list = self.dir.join("sources.list");
        std::fs::write(&list, sources_list(self.suite, &debian_mirror()))
            .map_err(|e| format!("{}: {e}", list.display()))?;
        run(self.apt_get().arg("update"))
    }

    /// Downloads source package `package` (`.dsc` and tarballs) into `src/<package>-<version>/`
    /// and returns the `.dsc`'s path: the newest version the index lists whose files the pool
    /// serves (a security archive's index may list a source its mirror does not carry).
    pub fn source(&self, package: &str) -> Result<PathBuf, String> {
        let mut showsrc = Command::new("apt-cache");
        showsrc
            .args(self.options())
            .args(["showsrc", "--only-source", package]);
        let text = tools::output(&mut showsrc)?;
        let mut versions: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("Version: "))
            .map(str::trim)
            .collect();
        versions.sort_by(|a, b| compare_versions(b, a));
        versions.dedup();
        let mut failures = Vec::new();
        for version in versions {
            let into = self.dir.join("src").join(format!("{package}-{version}"));
            std::fs::create_dir_all(&into).map_err(|e| format!("{}: {e}", into.display()))?;
            let upstream = version.split_once(':').map_or(version, |(_, v)| v);
            let dsc = into.join(format!("{package}_{upstream}.dsc"));
            if dsc.is_file() {
                return Ok(dsc);
            }
            let fetched = run(self
                .apt_get()
                .args(["source", "--download-only", &format!("{package}={version}")])
                .current_dir(&into));
            match fetched {
                Ok(()) if dsc.is_file() => return Ok(dsc),
                Ok(()) => failures.push(format!("{version}: no {}", dsc.display())),
                Err(e) => failures.push(format!("{version}: {e}")),
            }
            let _ = std::fs::remove_dir_all(&into);
        }
        Err(format!(
            "no version of source package {package} could be downloaded:\n{}",
            failures.join("\n")
        ))
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

/// The most recently written `<package>_*.deb` in `dir`.
pub fn newest_deb(dir: &Path, package: &str) -> Option<PathBuf> {
    let prefix = format!("{package}_");
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(&prefix) && name.ends_with(".deb")
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

/// Unpacks `deb` into `dir` (`dpkg -x`), creating `dir`'s parents.
pub fn extract(deb: &Path, dir: &Path) -> Result<(), String> {
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    run(Command::new("dpkg").arg("-x").arg(deb).arg(dir))
}

/// Debian's version order (`dpkg --compare-versions`), equal when dpkg cannot say.
fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let is = |op: &str| {
        Command::new("dpkg")
            .args(["--compare-versions", a, op, b])
            .status()
            .is_ok_and(|s| s.success())
    };
    if is("lt") {
        std::cmp::Ordering::Less
    } else if is("gt") {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

/// `package version` of `deb` (`dpkg-deb -f`), for provenance.
pub fn package_version(deb: &Path) -> Result<String, String> {
    let mut cmd = Command::new("dpkg-deb");
    cmd.arg("-f").arg(deb).args(["Package", "Version"]);
    let out = tools::output(&mut cmd)?;
    let field = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    Ok(format!("{} {}", field("Package:"), field("Version:")))
}

/// The sources list of a private state: `suite`, its updates and its security archive, binary
/// and source, from `mirror`.
pub fn sources_list(suite: Suite, mirror: &str) -> String {
    let security = mirror
        .trim_end_matches('/')
        .replace("/debian", "/debian-security");
    let name = suite.codename();
    let mut list = String::new();
    for kind in ["deb", "deb-src"] {
        list.push_str(&format!(
            "{kind} [signed-by={KEYRING}] {mirror} {name} {name}-updates main\n\
             {kind} [signed-by={KEYRING}] {security} {name}-security main\n"
        ));
    }
    list
}

/// The Debian mirror the machine already uses (deb822 or one-line sources), or Debian's own.
pub fn debian_mirror() -> String {
    let candidates = [
        "/etc/apt/sources.list.d/debian.sources",
        "/etc/apt/sources.list",
    ];
    for path in candidates {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for line in text.lines() {
            let url = line.strip_prefix("URIs:").map(str::trim).or_else(|| {
                line.strip_prefix("deb ")
                    .and_then(|r| r.split_whitespace().find(|w| w.contains("://")))
            });
            if let Some(url) = url.filter(|u| u.trim_end_matches('/').ends_with("/debian")) {
                return url.to_owned();
            }
        }
    }
    "http://deb.debian.org/debian".to_owned()
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
    fn versions_sort_in_debian_order() {
        let mut v = [
            "4.17.5+72-g01140da4e8-1",
            "4.17.7+13-g2445b30a44-0+deb12u1",
            "4.17.10-1",
        ];
        v.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(
            v,
            [
                "4.17.5+72-g01140da4e8-1",
                "4.17.7+13-g2445b30a44-0+deb12u1",
                "4.17.10-1"
            ]
        );
    }

    #[test]
    fn a_private_state_lists_the_release_its_updates_and_security_binary_and_source() {
        let list = sources_list(Suite::Trixie, "http://deb.debian.org/debian");
        assert!(list.contains(&format!(
            "deb [signed-by={KEYRING}] http://deb.debian.org/debian trixie trixie-updates main"
        )));
        assert!(list.contains("deb-src [signed-by="));
        assert!(list.contains("http://deb.debian.org/debian-security trixie-security main"));
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
