//! Provenance: what produced a target's results, in every report (JSON `provenance`, JUnit
//! properties, the matrix's column headers): irqsuite's own version and commit, the emulator's
//! version, the build of the hypervisor under test (its name, where its files came from, their
//! SHA-256), the version string the hypervisor printed as it booted, and the machine's command
//! line.
//!
//! Where a build's files came from is recorded once, when they are fetched or built
//! ([`record`]: `origin.txt` beside them), so a later run reports it without asking a mirror.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Build, Origin};

/// The file that records where a fetched or built artefact came from.
pub const ORIGIN_FILE: &str = "origin.txt";

/// What produced one target's results.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// irqsuite's version and the commit it was built from (`0.1.0 7cd4f13`, `+dirty` when
    /// the tree had changes).
    pub irqsuite: String,
    /// The emulator's version line (`QEMU emulator version 10.0.2 (Debian ...)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qemu: Option<String>,
    /// The build of the hypervisor under test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<BuildProvenance>,
    /// The version the hypervisor printed as it booted (`Xen version 4.17.5 ...`,
    /// `Linux 6.12.43+deb13-arm64 #1 SMP ...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hypervisor: Option<String>,
    /// The command line of the machine's first boot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    /// For `irqsuite judge`: the console log judged, `<path> (sha256 <hex>)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged_from: Option<String>,
}

/// Where a build's files came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildProvenance {
    /// The build's name (`4.20`, `4.17-new-vgic`, a user's own).
    pub name: String,
    /// Its version where known before it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `debian-package`, `debian-source` or `user`.
    pub origin: String,
    /// What exactly: the package and its version, the source package, its version and the
    /// configuration, or the user's path.
    pub from: String,
    /// The SHA-256 of the image booted (the hypervisor, or the kernel).
    pub sha256: String,
}

/// What a boot shows of the machine: its command line, and the version the hypervisor printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BootFacts {
    /// The command line of the first boot.
    pub machine: Option<String>,
    /// The first version line the hypervisor printed ([`printed_version`]).
    pub hypervisor: Option<String>,
}

impl Provenance {
    /// With what the boot showed (kept where the boot showed nothing).
    pub fn with_facts(mut self, facts: &BootFacts) -> Provenance {
        self.machine = facts.machine.clone().or(self.machine);
        self.hypervisor = facts.hypervisor.clone().or(self.hypervisor);
        self
    }

    /// irqsuite's own part alone.
    pub fn irqsuite() -> Provenance {
        Provenance {
            irqsuite: irqsuite_version(),
            ..Provenance::default()
        }
    }

    /// With the version of emulator `program` (`qemu-system-aarch64`).
    pub fn with_qemu(mut self, program: &str) -> Provenance {
        self.qemu = tool_version(program);
        self
    }

    /// With `build`, whose booted image is `image` (`None` when it is not there yet).
    pub fn with_build(mut self, build: &Build, image: Option<&Path>) -> Provenance {
        let (origin, from) = match &build.origin {
            Origin::Package { suite, package } => (
                "debian-package",
                image
                    .and_then(recorded)
                    .unwrap_or_else(|| format!("{package} (Debian {})", suite.codename())),
            ),
            Origin::Source {
                suite,
                package,
                config,
            } => (
                "debian-source",
                image.and_then(recorded).unwrap_or_else(|| {
                    format!(
                        "Debian {}'s source package {package} with {}",
                        suite.codename(),
                        config.join(", ")
                    )
                }),
            ),
            Origin::User(files) => (
                "user",
                match &files.modules {
                    Some(m) => format!("{} (modules {})", files.image.display(), m.display()),
                    None => files.image.display().to_string(),
                },
            ),
        };
        self.build = Some(BuildProvenance {
            name: build.name.to_owned(),
            version: build.version.map(|v| v.to_string()),
            origin: origin.to_owned(),
            from,
            sha256: image.and_then(sha256_of).unwrap_or_default(),
        });
        self
    }
}

/// `0.1.0 <commit>`: the crate's version and the commit the binary was built from.
pub fn irqsuite_version() -> String {
    format!(
        "{} {}",
        env!("CARGO_PKG_VERSION"),
        option_env!("IRQSUITE_COMMIT").unwrap_or("(commit unknown)")
    )
}

/// The first line `program --version` prints, asked once per process.
pub fn tool_version(program: &str) -> Option<String> {
    static SEEN: Mutex<Option<HashMap<String, Option<String>>>> = Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    seen.get_or_insert_with(HashMap::new)
        .entry(program.to_owned())
        .or_insert_with(|| {
            let out = Command::new(program).arg("--version").output().ok()?;
            let text = String::from_utf8_lossy(&out.stdout);
            text.lines().next().map(|l| l.trim().to_owned())
        })
        .clone()
}

/// The SHA-256 of the file at `path`, hashed once per process and file.
pub fn sha256_of(path: &Path) -> Option<String> {
    static SEEN: Mutex<Option<HashMap<PathBuf, String>>> = Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let seen = seen.get_or_insert_with(HashMap::new);
    if let Some(hash) = seen.get(path) {
        return Some(hash.clone());
    }
    let bytes = std::fs::read(path).ok()?;
    let hash = crate::build::hex(&Sha256::digest(&bytes));
    seen.insert(path.to_owned(), hash.clone());
    Some(hash)
}

/// Records where the artefacts in `dir` came from (`dir/origin.txt`).
pub fn record(dir: &Path, from: &str) -> Result<(), String> {
    let path = dir.join(ORIGIN_FILE);
    std::fs::write(&path, format!("{from}\n")).map_err(|e| format!("{}: {e}", path.display()))
}

/// What [`record`] wrote for the artefact `file` (in its folder or the folder above).
pub fn recorded(file: &Path) -> Option<String> {
    file.ancestors().skip(1).take(3).find_map(|dir| {
        let text = std::fs::read_to_string(dir.join(ORIGIN_FILE)).ok()?;
        Some(text.trim().to_owned())
    })
}

/// The printed version of a hypervisor among console lines: Xen's banner
/// (`(XEN) Xen version 4.17.5 (...)`), or the VMM's report of the kernel it runs on
/// (`irqsuite-vmm: kernel Linux 6.1.0-28-arm64 #1 SMP ...`). At most 200 characters.
pub fn printed_version(line: &str) -> Option<String> {
    const VMM: &str = "irqsuite-vmm: kernel ";
    let found = match (line.strip_prefix(VMM), line.strip_prefix("(XEN) ")) {
        (Some(rest), _) => rest,
        (None, Some(rest)) if rest.starts_with("Xen version ") => rest,
        _ => return None,
    };
    let mut text: String = found.trim().chars().take(200).collect();
    text.retain(|c| !c.is_control());
    Some(text)
}

/// `program arg ...` of `cmd`, each argument quoted where a shell would need it.
pub fn command_line(cmd: &Command) -> String {
    let quote = |s: &std::ffi::OsStr| {
        let s = s.to_string_lossy();
        let plain = !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=,:@+%".contains(c));
        match plain {
            true => s.into_owned(),
            false => format!("'{}'", s.replace('\'', r"'\''")),
        }
    };
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xen_banner_and_the_vmm_kernel_line_are_the_printed_versions() {
        assert_eq!(
            printed_version("(XEN) Xen version 4.17.5 (Debian 4.17.5) (gcc) debug=n").as_deref(),
            Some("Xen version 4.17.5 (Debian 4.17.5) (gcc) debug=n")
        );
        assert_eq!(
            printed_version("irqsuite-vmm: kernel Linux 6.12.43 #1 SMP").as_deref(),
            Some("Linux 6.12.43 #1 SMP")
        );
        assert_eq!(
            printed_version("(XEN) DOM1: Xen version 9 from a guest"),
            None
        );
        assert_eq!(printed_version("@@irq 1 cfg ..."), None);
    }

    #[test]
    fn a_command_line_quotes_only_what_a_shell_would_split() {
        let mut cmd = Command::new("qemu-system-aarch64");
        cmd.args([
            "-machine",
            "virt,gic-version=3",
            "-append",
            "console=ttyAMA0 quiet",
        ]);
        assert_eq!(
            command_line(&cmd),
            "qemu-system-aarch64 -machine virt,gic-version=3 -append 'console=ttyAMA0 quiet'"
        );
    }

    #[test]
    fn the_origin_recorded_beside_an_artefact_is_found_from_the_artefact() {
        let dir = std::env::temp_dir().join(format!("irqsuite-origin-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("boot")).unwrap();
        record(&dir, "xen-hypervisor-4.20-arm64 4.20.3-1").unwrap();
        let found = recorded(&dir.join("boot/xen-4.20-arm64"));
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(found.as_deref(), Some("xen-hypervisor-4.20-arm64 4.20.3-1"));
    }
}
