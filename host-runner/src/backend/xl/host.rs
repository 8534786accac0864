//! Whether this machine is a Xen host the `xl` backend can use: `xl` on `PATH`, an arm64 host
//! (the guest is an arm64 Image), root (the toolstack talks to Xen through privileged
//! interfaces), and Xen's control domain (`/proc/xen/capabilities` says `control_d`). Each
//! missing piece is an [`Unavailable`] with the command or step that fixes it.

use std::path::PathBuf;

use crate::backend::Unavailable;
use crate::tools;

/// What the checks look at, gathered once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// Where `xl` is, when it is on `PATH`.
    pub xl: Option<PathBuf>,
    /// The host's architecture (`std::env::consts::ARCH`).
    pub arch: &'static str,
    /// The process runs as root.
    pub root: bool,
    /// The host is Xen's control domain (dom0).
    pub dom0: bool,
}

/// The file Linux offers in dom0 and in domUs (`/proc/xen`, the xenfs mount); dom0's says
/// `control_d`.
const CAPABILITIES: &str = "/proc/xen/capabilities";

impl Facts {
    /// The facts of this machine and process.
    pub fn probe() -> Facts {
        Facts {
            xl: tools::find("xl"),
            arch: std::env::consts::ARCH,
            root: nix::unistd::geteuid().is_root(),
            dom0: std::fs::read_to_string(CAPABILITIES).is_ok_and(|c| c.contains("control_d")),
        }
    }
}

fn missing(reason: String, fix: &str) -> Unavailable {
    Unavailable {
        reason,
        fix: fix.to_owned(),
    }
}

/// Why this machine is not the kind of host the backend runs on (arm64, Xen's dom0), each
/// with its fix; none when it is. No `irqsuite setup` changes these.
fn machine_shortfalls(facts: &Facts) -> Vec<Unavailable> {
    let mut found = vec![];
    if facts.arch != "aarch64" {
        found.push(missing(
            format!(
                "this host is {}; the guest is an arm64 Image, so xl needs an arm64 Xen host",
                facts.arch
            ),
            "run irqsuite on an arm64 Xen host (dom0)",
        ));
    }
    if !facts.dom0 {
        found.push(missing(
            format!("{CAPABILITIES} does not say control_d: this system is not Xen's dom0"),
            "boot Xen with this system as dom0 (Debian: apt-get install xen-system-arm64, then reboot into the Xen entry)",
        ));
    }
    found
}

/// Every shortfall in one: the reasons joined, the fix of the first (the most fundamental).
fn joined(found: Vec<Unavailable>) -> Result<(), Unavailable> {
    let Some(first) = found.first() else {
        return Ok(());
    };
    let reasons: Vec<&str> = found.iter().map(|u| u.reason.as_str()).collect();
    Err(missing(reasons.join("; "), &first.fix))
}

/// Whether this machine is the kind of host the backend runs on at all: arm64, and Xen's
/// dom0.
pub fn machine(facts: &Facts) -> Result<(), Unavailable> {
    joined(machine_shortfalls(facts))
}

/// The `xl` to run, or everything that keeps this machine from running the backend: what the
/// machine is not ([`machine`]), `xl` missing, not root. The fix is the first one's: no point
/// installing xl on a machine that cannot run Xen guests.
pub fn check(facts: &Facts) -> Result<PathBuf, Unavailable> {
    let mut found = machine_shortfalls(facts);
    let no_xl = missing(
        "xl (Xen's toolstack) is not installed".into(),
        "on an arm64 Debian host: apt-get install xen-system-arm64, then boot Xen with this system as dom0",
    );
    if facts.xl.is_none() {
        found.push(no_xl.clone());
    }
    if !facts.root {
        found.push(missing(
            "xl needs root to create domains".into(),
            "sudo irqsuite run --backend xl",
        ));
    }
    joined(found)?;
    facts.xl.clone().ok_or(no_xl)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xen_host() -> Facts {
        Facts {
            xl: Some(PathBuf::from("/usr/sbin/xl")),
            arch: "aarch64",
            root: true,
            dom0: true,
        }
    }

    #[test]
    fn an_arm64_dom0_with_xl_as_root_can_run() {
        assert_eq!(check(&xen_host()), Ok(PathBuf::from("/usr/sbin/xl")));
    }

    #[test]
    fn on_a_dom0_missing_xl_is_fixed_by_the_package_that_brings_it() {
        let facts = Facts {
            xl: None,
            ..xen_host()
        };
        let u = check(&facts).unwrap_err();
        assert_eq!(u.reason, "xl (Xen's toolstack) is not installed");
        assert!(
            u.fix.contains("apt-get install xen-system-arm64"),
            "{}",
            u.fix
        );
    }

    #[test]
    fn every_shortfall_is_named_and_the_fix_is_the_most_fundamental() {
        let facts = Facts {
            xl: None,
            arch: "x86_64",
            root: false,
            dom0: false,
        };
        let u = check(&facts).unwrap_err();
        for part in [
            "x86_64",
            "not Xen's dom0",
            "xl (Xen's toolstack) is not installed",
            "root",
        ] {
            assert!(u.reason.contains(part), "{part}: {}", u.reason);
        }
        assert_eq!(u.fix, "run irqsuite on an arm64 Xen host (dom0)");
    }

    #[test]
    fn an_x86_host_is_refused_because_the_guest_is_arm64() {
        let facts = Facts {
            arch: "x86_64",
            ..xen_host()
        };
        assert!(check(&facts).unwrap_err().reason.contains("x86_64"));
    }

    #[test]
    fn a_user_without_root_is_told_to_use_sudo() {
        let facts = Facts {
            root: false,
            ..xen_host()
        };
        assert_eq!(
            check(&facts).unwrap_err().fix,
            "sudo irqsuite run --backend xl"
        );
    }

    #[test]
    fn an_x86_machine_is_not_an_xl_host_whatever_is_installed() {
        let facts = Facts {
            arch: "x86_64",
            ..xen_host()
        };
        assert!(machine(&facts).is_err());
        assert_eq!(machine(&xen_host()), Ok(()));
    }

    #[test]
    fn a_domu_or_bare_metal_host_is_not_dom0() {
        let facts = Facts {
            dom0: false,
            ..xen_host()
        };
        assert!(check(&facts).unwrap_err().reason.contains("not Xen's dom0"));
    }
}
