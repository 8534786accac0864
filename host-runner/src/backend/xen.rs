//! `xen-dom0less`: Xen's vGIC with the guest as a dom0less domU, under `qemu-system-aarch64
//! -machine virt,virtualization=on` (TCG), one instance per build of Xen ([`crate::builds`]):
//! `4.17` (Debian bookworm's `xen-hypervisor-4.17-arm64`, the old vGIC), `4.20` (trixie's,
//! the old vGIC), `4.17-new-vgic` (bookworm's source built with `CONFIG_NEW_VGIC=y`: the new
//! VGIC of the seeds, GICv2 only), and any Image a user built. Xen boots from QEMU's `-kernel`
//! at EL2 with a device tree the runner generates per boot (QEMU's own plus the `/chosen` nodes
//! that describe the domU, [`chosen`]); the guest Image is placed in RAM by QEMU's loader
//! device, and its console is Xen's vpl011, printed on QEMU's serial as `(XEN) DOM1: <line>`
//! (the decoder finds the record after the prefix). After the final record the runner types
//! Xen's debug key `R`: Xen resets the machine and `-no-reboot` makes QEMU exit by itself.
//!
//! Xen gives a domU no vITS and the host cannot inject: the targets are `gicv2` and `gicv3`
//! with two vCPUs, and the domU's vGIC version is the host's (a `gic-version=2` board for
//! `gicv2`).

mod chosen;
mod dtb;

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use guest_kit::GicVersion;
use guest_kit::inject::Injection;

use super::scratch::Scratch;
use super::{Backend, Limits, Sink, TargetSpec, Unavailable, console};
use crate::build::xen as artefacts;
use crate::builds::provenance::Provenance;
use crate::builds::{Build, Origin, Suite, Version};
use crate::tools;
use chosen::Domain;

/// The Xen backend running one build of Xen.
pub struct XenDom0less {
    build: Build,
    targets: &'static [TargetSpec],
}

const QEMU: &str = "qemu-system-aarch64";

/// The configuration that gives Xen 4.17 the new VGIC (`xen/arch/arm/vgic/`), which has no
/// GICv3 support (`GICV3 depends on !NEW_VGIC`).
pub const NEW_VGIC_CONFIG: [&str; 3] = [
    "CONFIG_EXPERT=y",
    "CONFIG_NEW_VGIC=y",
    "# CONFIG_GICV3 is not set",
];

/// The stock builds: Debian's two releases and the new VGIC built from Debian's source.
static STOCK: [XenDom0less; 3] = [
    XenDom0less {
        targets: &TARGETS,
        build: Build {
            name: "4.17",
            version: Some(Version::new(4, 17)),
            origin: Origin::Package {
                suite: Suite::Bookworm,
                package: "xen-hypervisor-4.17-arm64",
            },
            targets: None,
        },
    },
    XenDom0less {
        targets: &TARGETS,
        build: Build {
            name: "4.20",
            version: Some(Version::new(4, 20)),
            origin: Origin::Package {
                suite: Suite::Trixie,
                package: "xen-hypervisor-4.20-arm64",
            },
            targets: None,
        },
    },
    XenDom0less {
        targets: TARGETS.split_at(1).0,
        build: Build {
            name: "4.17-new-vgic",
            version: Some(Version::new(4, 17)),
            origin: Origin::Source {
                suite: Suite::Bookworm,
                package: "xen",
                config: &NEW_VGIC_CONFIG,
            },
            targets: Some(&["gicv2"]),
        },
    },
];

/// The instances of the stock builds.
pub fn stock() -> impl Iterator<Item = &'static dyn Backend> {
    STOCK.iter().map(|b| b as &dyn Backend)
}

impl XenDom0less {
    /// The backend running `build` (a user's).
    pub fn new(build: Build) -> XenDom0less {
        let targets = super::targets_of(&TARGETS, &build);
        XenDom0less { build, targets }
    }

    /// The command that installs what this build needs.
    fn fix(&self) -> String {
        super::setup_fix(self, "Xen")
    }

    /// The hypervisor Image of this build, when it is there.
    pub fn hypervisor(&self) -> Option<PathBuf> {
        artefacts::image(&crate::workspace_root(), &self.build)
    }

    /// Fetches or builds the hypervisor Image (`irqsuite setup`).
    pub fn fetch(&self) -> Result<PathBuf, String> {
        artefacts::fetch(&crate::workspace_root(), &self.build)
    }
}

/// Where QEMU's loader puts the guest Image, and Xen finds it (the module's `reg`).
const IMAGE_ADDR: u64 = 0x5000_0000;

/// The domU's RAM, in KiB.
const DOMU_MEMORY_KIB: u64 = 128 * 1024;

/// The machine's RAM (Xen, its heap and the domU).
const MACHINE_MEMORY: &str = "1024";

/// Xen's debug key that resets the machine; typed after the final record.
const RESET_KEY: &str = "R";

/// The backend's name.
pub const NAME: &str = "xen-dom0less";

const GIC_TARGETS: [TargetSpec; 3] = super::gic_targets(2, Injection::empty());

/// `gicv2` and `gicv3`: no ITS (Xen gives a domU none).
const TARGETS: [TargetSpec; 2] = [GIC_TARGETS[0], GIC_TARGETS[1]];

/// The folder under the workspace's target directory where the builds and the per-boot files
/// live.
pub fn cache_dir() -> PathBuf {
    artefacts::cache_dir(&crate::workspace_root())
}

fn gic_version(target: &TargetSpec) -> &'static str {
    match target.shape.gic {
        GicVersion::V2 => "2",
        _ => "3",
    }
}

/// QEMU with the options that shape the board (the same for dumping its DTB and for the run).
fn board(target: &TargetSpec) -> Command {
    let mut cmd = Command::new(QEMU);
    cmd.args([
        "-machine",
        &format!("virt,virtualization=on,gic-version={}", gic_version(target)),
    ])
    .args(["-cpu", "max", "-m", MACHINE_MEMORY])
    .args(["-smp", &target.shape.cpus.to_string()])
    .args(["-display", "none", "-nodefaults"]);
    cmd
}

/// The QEMU command line that boots `xen` with device tree `dtb` and the guest `image` in RAM.
pub fn command(target: &TargetSpec, xen: &Path, dtb: &Path, image: &Path) -> Command {
    let mut cmd = board(target);
    // Not -nographic: its Ctrl-A escape collides with Xen's console switch.
    cmd.args(["-serial", "stdio", "-monitor", "none", "-no-reboot"])
        .arg("-kernel")
        .arg(xen)
        .arg("-dtb")
        .arg(dtb);
    let mut loader = std::ffi::OsString::from("loader,file=");
    loader.push(image);
    loader.push(format!(",addr={IMAGE_ADDR:#x},force-raw=on"));
    cmd.arg("-device").arg(loader);
    cmd
}

/// Generates the boot's device tree in `dir` and returns the command that boots `xen`.
fn prepare(xen: &Path, target: &TargetSpec, cases: &[usize], dir: &Path) -> io::Result<Command> {
    let image = super::qemu::guest_image()
        .map_err(|e| io::Error::other(format!("guest build failed: {e}")))?;
    let bootargs = console::guest_bootargs(target, cases);
    let domain = Domain {
        memory_kib: DOMU_MEMORY_KIB,
        cpus: target.shape.cpus,
        image_addr: IMAGE_ADDR,
        image_size: std::fs::metadata(&image)?.len(),
        bootargs: &bootargs,
    };
    let dtb = dtb::build(board(target), &domain, dir)?;
    Ok(command(target, xen, &dtb, &image))
}

impl Backend for XenDom0less {
    fn name(&self) -> &'static str {
        NAME
    }
    fn build(&self) -> Option<&Build> {
        Some(&self.build)
    }
    fn describe(&self) -> &'static str {
        "Xen's vGIC (per build: Debian's 4.17 and 4.20, 4.17 with the new VGIC from Debian's source, or yours), the guest as a dom0less domU under QEMU TCG"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        self.targets
    }
    fn availability(&self) -> Result<(), Unavailable> {
        let fix = self.fix();
        tools::require(QEMU, &fix)?;
        tools::require("dtc", &fix)?;
        match self.hypervisor() {
            Some(_) => Ok(()),
            None => Err(Unavailable {
                reason: format!("Xen {} has not been fetched or built", self.build.name),
                fix,
            }),
        }
    }
    fn fetch_build(&self) -> Result<String, String> {
        if matches!(self.build.origin, Origin::Source { .. }) {
            crate::setup::ensure_packages(artefacts::CROSS_GCC, &artefacts::BUILD_DEPENDS)?;
        }
        let image = self.fetch()?;
        Ok(super::fetched("Xen", &self.build, &image))
    }
    fn boot_cost(&self) -> u32 {
        // Xen under TCG: seconds
        3
    }
    fn provenance(&self, _target: &TargetSpec) -> Provenance {
        Provenance::irqsuite()
            .with_qemu(QEMU)
            .with_build(&self.build, self.hypervisor().as_deref())
    }
    fn run(&self, target: &TargetSpec, cases: &[usize], limits: Limits, sink: Sink<'_>) {
        let name = self.target_name(target);
        let scratch = Scratch::new(cache_dir().join("tmp"), target.name);
        let launch = |cases: &[usize]| -> io::Result<Command> {
            let xen = self.hypervisor().ok_or_else(|| {
                io::Error::other(format!("no Xen {} image; {}", self.build.name, self.fix()))
            })?;
            prepare(&xen, target, cases, &scratch.boot_dir()?)
        };
        let hooks = console::Hooks {
            launch: &launch,
            requests: console::Requests::Refused,
            farewell: &[RESET_KEY],
            property: &console::no_property,
        };
        console::run(name, cases, limits, hooks, sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stock_build_is_an_instance_and_the_new_vgic_runs_gicv2_alone() {
        let spelled: Vec<String> = stock().map(|b| b.spelled()).collect();
        assert_eq!(
            spelled,
            [
                "xen-dom0less@4.17",
                "xen-dom0less@4.20",
                "xen-dom0less@4.17-new-vgic"
            ]
        );
        let new_vgic: Vec<_> = STOCK[2].targets().iter().map(|t| t.name).collect();
        assert_eq!(new_vgic, ["gicv2"]);
        assert_eq!(STOCK[1].targets().len(), 2);
    }

    #[test]
    fn gicv2_boots_a_gicv2_board_and_the_image_goes_where_the_module_says() {
        let cmd = command(
            &TARGETS[0],
            Path::new("/x/xen"),
            Path::new("/t/xen.dtb"),
            Path::new("/g/guest.img"),
        );
        let args: Vec<String> = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let line = args.join(" ");
        assert!(
            line.contains("virt,virtualization=on,gic-version=2"),
            "{line}"
        );
        assert!(line.contains("-smp 2"), "{line}");
        assert!(line.contains("-kernel /x/xen -dtb /t/xen.dtb"), "{line}");
        assert!(
            line.contains("loader,file=/g/guest.img,addr=0x50000000,force-raw=on"),
            "{line}"
        );
        assert!(!line.contains("-nographic"), "{line}");
    }

    #[test]
    fn the_guest_is_told_its_cases_and_that_nothing_is_injected() {
        let args = console::guest_bootargs(&TARGETS[1], &[0, 1, 2, 3]);
        assert_eq!(args, "irqsuite.run=f irqsuite.inject=0");
    }
}
