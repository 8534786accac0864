//! Debian's stock arm64 kernel for the `kvm-arm64` backend: `linux-image-arm64` resolved to its
//! versioned package through a private apt state, unpacked under `<workspace>/target/kvm/`, and
//! only `boot/` kept (the Image has KVM, the GIC, the PL011 and initrd support built in: no
//! modules are needed). Fetched once: a later call finds the Image and asks no mirror.

use std::fs;
use std::path::{Path, PathBuf};

use crate::debian_arm64::{self, PrivateApt};

/// The metapackage that depends on the current versioned kernel.
const METAPACKAGE: &str = "linux-image-arm64";

/// Where the kvm-arm64 backend keeps what it fetches and builds.
pub fn kvm_dir(workspace_root: &Path) -> PathBuf {
    workspace_root.join("target").join("kvm")
}

/// The unpacked kernel package, when it is there.
fn kernel_dir(workspace_root: &Path) -> PathBuf {
    kvm_dir(workspace_root).join("kernel")
}

/// The arm64 kernel Image (`boot/vmlinuz-*`, uncompressed), when it has been fetched.
pub fn arm64_kernel(workspace_root: &Path) -> Option<PathBuf> {
    find_vmlinuz(&kernel_dir(workspace_root).join("boot"))
}

/// The arm64 kernel Image, fetched first when it is not there yet.
pub fn fetch_arm64_kernel(workspace_root: &Path) -> Result<PathBuf, String> {
    if let Some(image) = arm64_kernel(workspace_root) {
        return Ok(image);
    }
    let kvm = kvm_dir(workspace_root);
    let apt = PrivateApt::new(&kvm.join("apt"));
    apt.update()?;
    let package = apt.resolve(METAPACKAGE, "linux-image-")?;
    let deb = apt.download(&package)?;

    // Unpacked beside the final folder, then renamed: a run that stops half-way leaves no
    // kernel folder that looks complete.
    let unpacking = kvm.join(format!(".kernel.{}", std::process::id()));
    let _ = fs::remove_dir_all(&unpacking);
    debian_arm64::extract(&deb, &unpacking)?;
    for entry in fs::read_dir(&unpacking).map_err(|e| format!("{}: {e}", unpacking.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.file_name().is_some_and(|n| n != "boot") {
            let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
        }
    }
    let image = find_vmlinuz(&unpacking.join("boot"))
        .ok_or_else(|| format!("{} has no boot/vmlinuz-*", deb.display()))?;
    let dest = kernel_dir(workspace_root);
    let _ = fs::remove_dir_all(&dest);
    fs::rename(&unpacking, &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let _ = fs::remove_file(&deb);
    let name = image.file_name().unwrap_or_default();
    Ok(dest.join("boot").join(name))
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
}
