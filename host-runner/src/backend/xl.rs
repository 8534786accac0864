//! `xl`: Xen's vGIC on a real Xen host, through its toolstack. For each boot the runner writes
//! an xl domain configuration ([`config`]: the guest Image booted directly, `gic_version=`, the
//! vpl011 as `vuart="sbsa_uart"`), creates the domain paused (`xl create -p`), attaches
//! `xl console -t vuart` as the machine's console and unpauses the guest ([`toolstack`]). The
//! console carries the guest's lines unprefixed, so they go through the same session and
//! decoder as every other backend's; the end is the final record. The domain is destroyed
//! before the next boot, at the end, and on every error or timeout ([`toolstack::Leftover`]).
//!
//! It needs an arm64 host running Xen with this system as dom0, `xl`, and root ([`host`]);
//! anywhere else it is unavailable with the reason, so `--backend all` leaves it out and
//! `--backend xl` skips (or, with `--require`, errors). Xen gives a domU no vITS and the host
//! cannot inject a line or an MSI from dom0 through xl: the targets are `gicv2` and `gicv3` with
//! two vCPUs and no injection, and every request is refused ([`console::Requests::Refused`]). The domain's
//! vGIC must be one the host GIC supports (xl.cfg(5) `gic_version`): `gicv2` on a GICv3 host
//! without GICv2 compatibility fails at `xl create`, and its cases are errors with xl's message.

pub mod config;
pub mod host;
pub mod toolstack;

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use guest_kit::inject::Injection;

use super::scratch::Scratch;
use super::{Backend, Limits, Sink, TargetSpec, Unavailable, console};
use crate::events::TargetName;
use config::DomainConfig;
use host::Facts;
use toolstack::{Leftover, Toolstack};

/// The xl backend.
pub struct Xl;

/// Its name on the command line.
pub const NAME: &str = "xl";

/// The domain's RAM, in MiB (as xen-dom0less's domU).
const MEMORY_MIB: u32 = 128;

const GIC_TARGETS: [TargetSpec; 3] = super::gic_targets(2, Injection::empty());

/// `gicv2` and `gicv3`: no ITS (Xen gives a domU none), no host-side injection.
pub const TARGETS: [TargetSpec; 2] = [GIC_TARGETS[0], GIC_TARGETS[1]];

/// The domain of `target` run by this process (domain names are unique on a host: two runs
/// at once do not collide).
pub fn domain_name(target: &TargetSpec) -> String {
    format!("irqsuite-{}-{}", target.name, std::process::id())
}

/// The configuration of the domain `domain` booting `image` with `cmdline` on `target`.
pub fn domain_config<'a>(
    target: &TargetSpec,
    domain: &'a str,
    image: &'a Path,
    cmdline: &'a str,
) -> DomainConfig<'a> {
    DomainConfig {
        name: domain,
        kernel: image,
        cmdline,
        memory_mib: MEMORY_MIB,
        vcpus: target.shape.cpus,
        gic: target.shape.gic,
    }
}

/// Runs `cases` on `target` as domains created through `toolstack`, booting `image`; the
/// configurations live in a scratch folder under `scratch_parent` (absolute: xl(1) wants an
/// absolute path) until the run ends.
pub fn run_domains(
    toolstack: &Toolstack,
    image: &Path,
    scratch_parent: PathBuf,
    target: &TargetSpec,
    cases: &[usize],
    limits: Limits,
    sink: Sink<'_>,
) {
    let name = TargetName::new(NAME, target.name);
    let domain = domain_name(target);
    let scratch = Scratch::new(scratch_parent, target.name);
    // Declared after the scratch folder, so dropped (the domain destroyed) before it goes.
    let _leftover = Leftover {
        toolstack,
        domain: &domain,
    };
    let launch = |cases: &[usize]| -> io::Result<Command> {
        // The previous boot's domain, when its guest hung or died without powering off.
        toolstack.destroy(&domain)?;
        let cmdline = console::guest_bootargs(target, cases);
        let text = domain_config(target, &domain, image, &cmdline)
            .render()
            .map_err(io::Error::other)?;
        let path = std::path::absolute(scratch.boot_dir()?.join(format!("{domain}.cfg")))?;
        std::fs::write(&path, text)?;
        toolstack.create_paused(&path)?;
        Ok(toolstack.console(&domain))
    };
    let hooks = console::Hooks {
        launch: &launch,
        requests: console::Requests::Refused,
        // The guest powers off; `on_poweroff="destroy"` ends the domain and its console.
        farewell: &[],
        property: &console::no_property,
    };
    console::run(name, cases, limits, hooks, sink);
}

impl Backend for Xl {
    fn name(&self) -> &'static str {
        NAME
    }
    fn describe(&self) -> &'static str {
        "Xen's vGIC on a real arm64 Xen host: each boot a domain created with xl, its vpl011 read with xl console"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        &TARGETS
    }
    fn availability(&self) -> Result<(), Unavailable> {
        host::check(&Facts::probe()).map(|_| ())
    }
    fn machine(&self) -> Result<(), Unavailable> {
        host::machine(&Facts::probe())
    }
    fn run(&self, target: &TargetSpec, cases: &[usize], limits: Limits, sink: Sink<'_>) {
        let prepared = host::check(&Facts::probe())
            .map_err(|u| format!("{}; fix: {}", u.reason, u.fix))
            .and_then(|xl| {
                let image =
                    super::qemu::guest_image().map_err(|e| format!("guest build failed: {e}"))?;
                Ok((Toolstack::new(xl), image))
            });
        match prepared {
            Ok((toolstack, image)) => {
                let parent = std::env::temp_dir().join("irqsuite-xl");
                run_domains(&toolstack, &image, parent, target, cases, limits, sink);
            }
            Err(why) => {
                let name = TargetName::new(NAME, target.name);
                let launch =
                    |_: &[usize]| -> io::Result<Command> { Err(io::Error::other(why.clone())) };
                let hooks = console::Hooks {
                    launch: &launch,
                    requests: console::Requests::Refused,
                    farewell: &[],
                    property: &console::no_property,
                };
                console::run(name, cases, limits, hooks, sink);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_target_gets_a_domain_config_with_its_vgic_and_the_vpl011() {
        for target in &TARGETS {
            let cmdline = console::guest_bootargs(target, &[0, 1, 2, 3, 4, 5, 6, 7, 8]);
            let text = domain_config(
                target,
                &format!("irqsuite-{}-1234", target.name),
                Path::new("/srv/irqsuite/target/guest-aarch64/guest.img"),
                &cmdline,
            )
            .render()
            .unwrap();
            insta::assert_snapshot!(format!("domain_config_{}", target.name), text);
        }
    }

    #[test]
    fn the_targets_declare_no_its_and_no_injection() {
        for target in &TARGETS {
            assert!(!target.shape.its, "{}", target.name);
            assert!(target.shape.inject.is_empty(), "{}", target.name);
            assert_eq!(target.shape.cpus, 2);
        }
    }

    #[test]
    fn the_console_attaches_the_vpl011_and_then_unpauses() {
        let cmd = Toolstack::new(PathBuf::from("/usr/sbin/xl")).console("irqsuite-gicv3-1");
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let script = &args[1];
        let attach = script.find("console -t vuart").unwrap();
        let unpause = script.find("unpause").unwrap();
        assert!(attach < unpause, "{script}");
        assert_eq!(args[2..], ["/usr/sbin/xl", "irqsuite-gicv3-1"]);
    }
}
