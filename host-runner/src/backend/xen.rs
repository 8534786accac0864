//! `xen-dom0less`: Xen 4.17's vGIC (Debian's `xen-hypervisor-4.17-arm64`) with the guest as a
//! dom0less domU, under `qemu-system-aarch64 -machine virt,virtualization=on` (TCG). Xen boots
//! from QEMU's `-kernel` at EL2 with a device tree the runner generates per boot (QEMU's own
//! plus the `/chosen` nodes that describe the domU, [`chosen`]); the guest Image is placed in
//! RAM by QEMU's loader device, and its console is Xen's vpl011, printed on QEMU's serial as
//! `(XEN) DOM1: <line>` (the decoder finds the record after the prefix). After the final
//! record the runner types Xen's debug key `R`: Xen resets the machine and `-no-reboot` makes
//! QEMU exit by itself.
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
use crate::events::TargetName;
use crate::tools;
use chosen::Domain;

/// The Xen backend.
pub struct XenDom0less;

const QEMU: &str = "qemu-system-aarch64";

/// The Debian package that holds the hypervisor.
pub const PACKAGE: &str = "xen-hypervisor-4.17-arm64";

/// The command that installs what this backend needs.
const FIX: &str = "irqsuite setup --backend xen-dom0less";

/// Where QEMU's loader puts the guest Image, and Xen finds it (the module's `reg`).
const IMAGE_ADDR: u64 = 0x5000_0000;

/// The domU's RAM, in KiB.
const DOMU_MEMORY_KIB: u64 = 128 * 1024;

/// The machine's RAM (Xen, its heap and the domU).
const MACHINE_MEMORY: &str = "1024";

/// Xen's debug key that resets the machine; typed after the final record.
const RESET_KEY: &str = "R";

const GIC_TARGETS: [TargetSpec; 3] = super::gic_targets(2, Injection::empty());

/// `gicv2` and `gicv3`: no ITS (Xen gives a domU none).
const TARGETS: [TargetSpec; 2] = [GIC_TARGETS[0], GIC_TARGETS[1]];

/// The folder under the workspace's target directory where the package and the per-boot
/// files live.
pub fn cache_dir() -> PathBuf {
    crate::workspace_root().join("target").join("xen")
}

/// The folder the package is unpacked into.
pub fn unpacked_dir() -> PathBuf {
    cache_dir().join("root")
}

/// The hypervisor Image in an unpacked package: `boot/xen-<version>-arm64` (not its `.efi` or
/// `.config` siblings).
pub fn hypervisor_in(root: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root.join("boot"))
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("xen-") && name.ends_with("-arm64")
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found.pop()
}

/// The hypervisor Image `setup` unpacked, when it did.
pub fn hypervisor() -> Option<PathBuf> {
    hypervisor_in(&unpacked_dir())
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

/// Generates the boot's device tree in `dir` and returns the command that boots it.
fn prepare(target: &TargetSpec, cases: &[usize], dir: &Path) -> io::Result<Command> {
    let xen = hypervisor().ok_or_else(|| io::Error::other(format!("no Xen image; {FIX}")))?;
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
    Ok(command(target, &xen, &dtb, &image))
}

impl Backend for XenDom0less {
    fn name(&self) -> &'static str {
        "xen-dom0less"
    }
    fn describe(&self) -> &'static str {
        "Xen 4.17's vGIC (Debian xen-hypervisor-4.17-arm64), the guest as a dom0less domU under QEMU TCG"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        &TARGETS
    }
    fn availability(&self) -> Result<(), Unavailable> {
        tools::require(QEMU, FIX)?;
        tools::require("dtc", FIX)?;
        match hypervisor() {
            Some(_) => Ok(()),
            None => Err(Unavailable {
                reason: format!(
                    "Xen ({PACKAGE}) is not unpacked in {}",
                    unpacked_dir().display()
                ),
                fix: FIX.to_owned(),
            }),
        }
    }
    fn run(&self, target: &TargetSpec, cases: &[usize], limits: Limits, sink: Sink<'_>) {
        let name = TargetName {
            backend: self.name(),
            target: target.name,
        };
        let scratch = Scratch::new(cache_dir().join("tmp"), target.name);
        let launch = |cases: &[usize]| -> io::Result<Command> {
            prepare(target, cases, &scratch.boot_dir()?)
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
    fn the_hypervisor_is_the_plain_image_among_what_the_package_unpacked() {
        let root = std::env::temp_dir().join(format!("irqsuite-xen-{}", std::process::id()));
        std::fs::create_dir_all(root.join("boot")).unwrap();
        for name in [
            "xen-4.17-arm64",
            "xen-4.17-arm64.efi",
            "xen-4.17-arm64.config",
        ] {
            std::fs::write(root.join("boot").join(name), b"").unwrap();
        }
        let found = hypervisor_in(&root);
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(found, Some(root.join("boot/xen-4.17-arm64")));
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
