//! Builds of the hypervisor under test: a dimension of a backend. The same backend (how the
//! machine starts, what the guest sees) runs several builds of its hypervisor side by side:
//! Debian's packages of two releases, a build the suite makes from Debian's source with another
//! configuration (Xen's new VGIC), or a build the user made elsewhere.
//!
//! A build is spelled `backend@build` (`xen-dom0less@4.20`, `kvm-arm64@6.12`,
//! `xen-dom0less@4.17-new-vgic`); an instance is `backend@build/target/case`. The spelling is
//! stable: it names the results folder (`results/xen-dom0less@4.20/gicv3/`), the matrix's column,
//! the JUnit suite, and the baseline's scope ([`crate::baseline`]). Where it came from and what it
//! printed is the run's provenance ([`provenance`]).

pub mod provenance;
pub mod user;

use std::fmt;
use std::path::PathBuf;

/// A hypervisor or kernel version, `major.minor[.patch]`, ordered numerically (`4.9 < 4.17`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch level (0 when not given).
    pub patch: u32,
}

impl Version {
    /// `major.minor`.
    pub const fn new(major: u32, minor: u32) -> Version {
        Version {
            major,
            minor,
            patch: 0,
        }
    }

    /// Parses `4.17`, `6.12.5` (what follows the numbers, like `-rc1` or `+deb12u1`, is
    /// ignored); `None` without at least `major.minor`.
    pub fn parse(text: &str) -> Option<Version> {
        let numeric: &str = text
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .next()?;
        let mut parts = numeric.split('.').map(str::parse::<u32>);
        let major = parts.next()?.ok()?;
        let minor = parts.next()?.ok()?;
        let patch = match parts.next() {
            Some(p) => p.ok()?,
            None => 0,
        };
        Some(Version {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.patch {
            0 => write!(f, "{}.{}", self.major, self.minor),
            p => write!(f, "{}.{}.{p}", self.major, self.minor),
        }
    }
}

/// A Debian release whose archive a build is fetched from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suite {
    /// Debian 12.
    Bookworm,
    /// Debian 13.
    Trixie,
}

impl Suite {
    /// The codename apt knows it by.
    pub const fn codename(self) -> &'static str {
        match self {
            Suite::Bookworm => "bookworm",
            Suite::Trixie => "trixie",
        }
    }
}

/// Where a build comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A Debian binary package of `suite`: the package itself, or, for a metapackage
    /// (`linux-image-arm64`), the versioned package it depends on, resolved when fetched (never
    /// pinned).
    Package {
        /// The release.
        suite: Suite,
        /// The package (or metapackage) name.
        package: &'static str,
    },
    /// Built by irqsuite from Debian's source package `package` of `suite` (the version the
    /// index holds), with `config` added to the default configuration.
    Source {
        /// The release.
        suite: Suite,
        /// The source package.
        package: &'static str,
        /// Lines added to the default configuration (`CONFIG_NEW_VGIC=y`).
        config: &'static [&'static str],
    },
    /// Built elsewhere: the user's files, used where they are.
    User(UserFiles),
}

/// The files of a build the user made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserFiles {
    /// The hypervisor or kernel image (Xen's `xen/xen`, an arm64 `Image`, an x86 `vmlinux` or
    /// `bzImage`).
    pub image: PathBuf,
    /// The kernel's modules (`lib/modules/<release>`), where KVM is a module.
    pub modules: Option<PathBuf>,
}

/// One build of a backend's hypervisor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Build {
    /// Its name after the `@` (`4.20`, `6.12`, `4.17-new-vgic`, a user's own).
    pub name: &'static str,
    /// Its version where known before it runs (stock builds; a user's when given).
    pub version: Option<Version>,
    /// Where it comes from.
    pub origin: Origin,
    /// The backend's targets it can run (`None`: all of them). Xen 4.17's new VGIC has no
    /// GICv3 support, so that build runs `gicv2` only.
    pub targets: Option<&'static [&'static str]>,
}

impl Build {
    /// The tag results and baselines know it by.
    pub fn tag(&self) -> BuildTag {
        BuildTag {
            name: self.name,
            version: self.version,
        }
    }

    /// Whether the build can run `target` of its backend.
    pub fn runs(&self, target: &str) -> bool {
        self.targets.is_none_or(|t| t.contains(&target))
    }
}

/// What a result says of the build that produced it: its name and version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BuildTag {
    /// The build's name.
    pub name: &'static str,
    /// Its version where known.
    pub version: Option<Version>,
}

/// `backend` or `backend@build`: how a backend with a build is spelled.
pub fn spelled(backend: &str, build: Option<&str>) -> String {
    match build {
        Some(build) => format!("{backend}@{build}"),
        None => backend.to_owned(),
    }
}

/// Splits `backend@build` into its parts (`None` for the build when there is no `@`).
pub fn split(spelling: &str) -> (&str, Option<&str>) {
    match spelling.split_once('@') {
        Some((backend, build)) => (backend, Some(build)),
        None => (spelling, None),
    }
}

/// Whether `name` can name a build: letters, digits, `.`, `-`, `_`, `+`; not empty; not
/// starting with `.` (it names a results folder).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically_and_ignore_what_follows_the_numbers() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("4.9") < v("4.17"));
        assert!(v("4.17.5+72-g01140da4e8-1") < v("4.20"));
        assert_eq!(
            v("6.12.43+deb13-arm64"),
            Version {
                major: 6,
                minor: 12,
                patch: 43
            }
        );
        assert_eq!(v("6.1").to_string(), "6.1");
        assert_eq!(Version::parse("6"), None);
        assert_eq!(Version::parse("new-vgic"), None);
    }

    #[test]
    fn a_build_is_spelled_after_an_at_sign() {
        assert_eq!(spelled("xen-dom0less", Some("4.20")), "xen-dom0less@4.20");
        assert_eq!(spelled("qemu-tcg", None), "qemu-tcg");
        assert_eq!(split("kvm-arm64@6.12"), ("kvm-arm64", Some("6.12")));
        assert_eq!(split("reference"), ("reference", None));
    }

    #[test]
    fn build_names_are_safe_as_folder_names() {
        assert!(valid_name("4.17-new-vgic") && valid_name("my_xen+patch"));
        for bad in ["", ".hidden", "a/b", "a b", "x@y", ".."] {
            assert!(!valid_name(bad), "{bad:?}");
        }
    }
}
