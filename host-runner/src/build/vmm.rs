//! The boot artefacts of the nested KVM backends besides the kernel: the VMM (`host-runner/vmm`,
//! a static `aarch64-unknown-linux-musl` or `x86_64-unknown-linux-musl` binary linked with
//! rust-lld) and the initramfs that holds it as `/init` next to the test guest (kvm-arm64: the
//! Image, `/guest.img`; kvm-x86: the PVH ELF, `/guest.elf`, and KVM's modules in `/modules/`,
//! which Debian's amd64 kernel does not build in). The initramfs is named after
//! the hash of what it holds, so it is written once per VMM and guest, and never while another
//! run boots it; each use marks it used (its mtime), and archives of older builds that no run
//! used for [`UNUSED_FOR`] are removed.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::amd64_kernel::Amd64Kernel;
use super::initramfs::Initramfs;
use super::{BuildError, VMM_DIR, VMM_TARGET, X86_VMM_TARGET, hex, read, write_atomically};

/// How long an initramfs of another build is kept after its last use (a run that is still
/// about to boot it is long done by then).
pub const UNUSED_FOR: Duration = Duration::from_secs(3600);

/// The VMM's binary name.
const VMM_BIN: &str = "irqsuite-vmm";

/// Builds the VMM (cargo, release, for aarch64 musl); returns the binary's path.
pub fn vmm_binary(workspace_root: &Path) -> Result<PathBuf, BuildError> {
    vmm_binary_for(workspace_root, VMM_TARGET)
}

/// Builds the VMM for x86_64 musl (the kvm-x86 backend's); returns the binary's path.
pub fn x86_vmm_binary(workspace_root: &Path) -> Result<PathBuf, BuildError> {
    vmm_binary_for(workspace_root, X86_VMM_TARGET)
}

fn vmm_binary_for(workspace_root: &Path, target: &'static str) -> Result<PathBuf, BuildError> {
    let target_dir = workspace_root.join("target").join("vmm");
    super::cargo_build(&workspace_root.join(VMM_DIR), target, &target_dir)?;
    Ok(target_dir.join(target).join("release").join(VMM_BIN))
}

/// The initramfs for `guest_image`: `/init` (the VMM), `/guest.img`, `/dev` with a console
/// node (the kernel opens it for init's stdin, stdout and stderr), `/proc`. Returns its path,
/// `<root>/target/kvm/initramfs-<hash>.cpio`.
pub fn initramfs(workspace_root: &Path, guest_image: &Path) -> Result<PathBuf, BuildError> {
    let vmm = read(&vmm_binary(workspace_root)?)?;
    let image = read(guest_image)?;
    let dir = super::kernel::kvm_dir(workspace_root);
    cached(&dir, &[&vmm, &image], |cpio| {
        cpio.dir("dev")
            .char_device("dev/console", 5, 1)
            .dir("proc")
            .file("init", 0o755, &vmm)
            .file("guest.img", 0o644, &image);
    })
}

/// The kvm-x86 initramfs for `guest_elf`: as [`initramfs`], with the x86_64 VMM, the guest as
/// `/guest.elf` and `kernel`'s KVM modules as `/modules/<name>.ko`. Returns its path,
/// `<root>/target/kvm-x86/initramfs-<hash>.cpio`.
pub fn x86_initramfs(
    workspace_root: &Path,
    guest_elf: &Path,
    kernel: &Amd64Kernel,
) -> Result<PathBuf, BuildError> {
    let vmm = read(&x86_vmm_binary(workspace_root)?)?;
    let elf = read(guest_elf)?;
    let modules = kernel
        .modules
        .iter()
        .map(|(name, path)| {
            let bytes = super::amd64_kernel::read_module(path).map_err(BuildError::Elf)?;
            Ok((name.as_str(), bytes))
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    let order: String = modules
        .iter()
        .map(|(name, _)| format!("{name}\n"))
        .collect();
    let mut parts: Vec<&[u8]> = vec![&vmm, &elf, order.as_bytes()];
    parts.extend(modules.iter().map(|(_, bytes)| bytes.as_slice()));
    let dir = super::amd64_kernel::kvm_x86_dir(workspace_root);
    cached(&dir, &parts, |cpio| {
        cpio.dir("dev")
            .char_device("dev/console", 5, 1)
            .dir("proc")
            .dir("modules");
        for (name, bytes) in &modules {
            cpio.file(&format!("modules/{name}.ko"), 0o644, bytes);
        }
        cpio.file(
            &format!("modules/{}", super::amd64_kernel::ORDER_FILE),
            0o644,
            order.as_bytes(),
        );
        cpio.file("init", 0o755, &vmm)
            .file("guest.elf", 0o644, &elf);
    })
}

/// The archive in `dir` named after the hash of `parts`, written by `fill` when it is not there
/// yet (and marked used when it is); other builds' archives unused for [`UNUSED_FOR`] go.
fn cached(
    dir: &Path,
    parts: &[&[u8]],
    fill: impl FnOnce(&mut Initramfs),
) -> Result<PathBuf, BuildError> {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    let name = format!("initramfs-{}.cpio", &hex(&hash.finalize())[..16]);
    let path = dir.join(name);
    if path.is_file() {
        // Marks it used; a file that cannot be touched is only pruned earlier.
        let _ = fs::File::options()
            .append(true)
            .open(&path)
            .and_then(|f| f.set_modified(SystemTime::now()));
    } else {
        let mut cpio = Initramfs::new();
        fill(&mut cpio);
        write_atomically(&path, &cpio.finish())?;
    }
    prune(dir, &path, SystemTime::now());
    Ok(path)
}

/// Removes the `initramfs-*.cpio` files in `dir` other than `keep` that were last used more
/// than [`UNUSED_FOR`] before `now`.
fn prune(dir: &Path, keep: &Path, now: SystemTime) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path == keep || !name.starts_with("initramfs-") || !name.ends_with(".cpio") {
            continue;
        }
        let used = entry.metadata().and_then(|m| m.modified());
        if used.is_ok_and(|t| now.duration_since(t).unwrap_or_default() > UNUSED_FOR) {
            let _ = fs::remove_file(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_of_other_builds_unused_for_an_hour_are_removed_and_the_rest_kept() {
        let dir = std::env::temp_dir().join(format!("irqsuite-prune-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let names = [
            "initramfs-a.cpio",
            "initramfs-b.cpio",
            "initramfs-c.cpio",
            "notes.txt",
        ];
        for name in names {
            fs::write(dir.join(name), b"").unwrap();
        }
        let now = SystemTime::now();
        let old = now - UNUSED_FOR - Duration::from_secs(60);
        for name in ["initramfs-a.cpio", "initramfs-b.cpio", "notes.txt"] {
            let file = fs::File::options()
                .append(true)
                .open(dir.join(name))
                .unwrap();
            file.set_modified(old).unwrap();
        }
        prune(&dir, &dir.join("initramfs-a.cpio"), now);
        let mut left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(left, ["initramfs-a.cpio", "initramfs-c.cpio", "notes.txt"]);
    }
}
