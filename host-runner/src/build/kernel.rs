//! The arm64 kernel of each build of the `kvm-arm64` backend, under
//! `<workspace>/target/kvm/<build>/kernel/`: Debian's `linux-image-arm64` of the build's release
//! (bookworm's Linux 6.1, trixie's 6.12) resolved to its versioned package through a private apt
//! state, unpacked, and only `boot/` kept (the Image has KVM, the GIC, the PL011 and initrd
//! support built in: no modules are needed); or a user's Image, used where it is. Fetched once:
//! a later call finds the Image and asks no mirror. The versioned package must be of the build's
//! version (bookworm's metapackage never moves to another major release, so a mismatch means the
//! build's name would lie).

use std::fs;
use std::path::{Path, PathBuf};

use crate::builds::provenance;
use crate::builds::{Build, Origin};
use crate::debian::{self, PrivateApt};

/// Where the kvm-arm64 backend keeps what it fetches and builds.
pub fn kvm_dir(workspace_root: &Path) -> PathBuf {
    workspace_root.join("target").join("kvm")
}

/// The unpacked kernel package of `build`.
fn kernel_dir(workspace_root: &Path, build: &Build) -> PathBuf {
    kvm_dir(workspace_root).join(build.name).join("kernel")
}

/// The arm64 kernel Image of `build` (`boot/vmlinuz-*` of the package, or the user's), when it
/// is there.
pub fn arm64_kernel(workspace_root: &Path, build: &Build) -> Option<PathBuf> {
    match &build.origin {
        Origin::User(files) => files.image.is_file().then(|| files.image.clone()),
        _ => find_vmlinuz(&kernel_dir(workspace_root, build).join("boot")),
    }
}

/// The arm64 kernel Image of `build`, fetched first when it is not there yet.
pub fn fetch_arm64_kernel(workspace_root: &Path, build: &Build) -> Result<PathBuf, String> {
    if let Some(image) = arm64_kernel(workspace_root, build) {
        return Ok(image);
    }
    let Origin::Package { suite, package } = &build.origin else {
        return Err(format!("kvm-arm64@{} has no kernel to fetch", build.name));
    };
    let dir = kvm_dir(workspace_root).join(build.name);
    let apt = PrivateApt::new(&dir.join("apt"), *suite, "arm64");
    apt.update()?;
    let versioned = apt.resolve(package, "linux-image-")?;
    check_version(build, &versioned)?;
    let deb = apt.download(&versioned)?;

    // Unpacked beside the final folder, then renamed: a run that stops half-way leaves no
    // kernel folder that looks complete.
    let unpacking = dir.join(format!(".kernel.{}", std::process::id()));
    let _ = fs::remove_dir_all(&unpacking);
    debian::extract(&deb, &unpacking)?;
    for entry in fs::read_dir(&unpacking).map_err(|e| format!("{}: {e}", unpacking.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.file_name().is_some_and(|n| n != "boot") {
            let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
        }
    }
    let image = find_vmlinuz(&unpacking.join("boot"))
        .ok_or_else(|| format!("{} has no boot/vmlinuz-*", deb.display()))?;
    let from = format!(
        "{} (Debian {})",
        debian::package_version(&deb)?,
        suite.codename()
    );
    provenance::record(&unpacking, &from)?;
    let dest = kernel_dir(workspace_root, build);
    let _ = fs::remove_dir_all(&dest);
    fs::rename(&unpacking, &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let _ = fs::remove_file(&deb);
    let name = image.file_name().unwrap_or_default();
    Ok(dest.join("boot").join(name))
}

/// The versioned kernel package `linux-image-<major>.<minor>.*` must be of `build`'s version.
pub fn check_version(build: &Build, versioned: &str) -> Result<(), String> {
    let Some(want) = build.version else {
        return Ok(());
    };
    let got = versioned
        .strip_prefix("linux-image-")
        .and_then(crate::builds::Version::parse);
    match got {
        Some(v) if (v.major, v.minor) == (want.major, want.minor) => Ok(()),
        _ => Err(format!(
            "the metapackage resolves to {versioned}, not Linux {want}: build {} would be misnamed",
            build.name
        )),
    }
}

/// The `vmlinuz-*` file in `boot`.
fn find_vmlinuz(boot: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(boot)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("vmlinuz-"))
        })
        .collect();
    found.sort();
    found.pop()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builds::{Suite, Version};

    #[test]
    fn the_kernel_image_is_found_by_its_vmlinuz_prefix() {
        let dir = std::env::temp_dir().join(format!("irqsuite-kernel-test-{}", std::process::id()));
        let boot = dir.join("boot");
        fs::create_dir_all(&boot).unwrap();
        assert_eq!(find_vmlinuz(&boot), None);
        fs::write(boot.join("config-6.1.0-56-arm64"), b"").unwrap();
        fs::write(boot.join("vmlinuz-6.1.0-56-arm64"), b"").unwrap();
        assert_eq!(
            find_vmlinuz(&boot),
            Some(boot.join("vmlinuz-6.1.0-56-arm64"))
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_kernel_package_of_another_version_than_the_build_is_refused() {
        let build = Build {
            name: "6.12",
            version: Some(Version::new(6, 12)),
            origin: Origin::Package {
                suite: Suite::Trixie,
                package: "linux-image-arm64",
            },
            targets: None,
        };
        assert!(check_version(&build, "linux-image-6.12.43+deb13-arm64").is_ok());
        let err = check_version(&build, "linux-image-6.1.0-56-arm64").unwrap_err();
        assert!(err.contains("not Linux 6.12"), "{err}");
    }
}
