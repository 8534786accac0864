//! The kvm-arm64 backend's boot artefacts besides the kernel: the VMM (`host-runner/vmm`, a
//! static `aarch64-unknown-linux-musl` binary linked with rust-lld) and the initramfs that holds
//! it as `/init` next to the test guest's Image (`/guest.img`). The initramfs is named after
//! the hash of what it holds, so it is written once per VMM and guest, and never while another
//! run boots it; each use marks it used (its mtime), and archives of older builds that no run
//! used for [`UNUSED_FOR`] are removed.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::initramfs::Initramfs;
use super::{BuildError, VMM_DIR, VMM_TARGET, hex, read, write_atomically};

/// How long an initramfs of another build is kept after its last use (a run that is still
/// about to boot it is long done by then).
pub const UNUSED_FOR: Duration = Duration::from_secs(3600);

/// The VMM's binary name.
const VMM_BIN: &str = "irqsuite-vmm";

/// Builds the VMM (cargo, release, for aarch64 musl); returns the binary's path.
pub fn vmm_binary(workspace_root: &Path) -> Result<PathBuf, BuildError> {
    let target_dir = workspace_root.join("target").join("vmm");
    super::cargo_build(&workspace_root.join(VMM_DIR), VMM_TARGET, &target_dir)?;
    Ok(target_dir.join(VMM_TARGET).join("release").join(VMM_BIN))
}

/// The initramfs for `guest_image`: `/init` (the VMM), `/guest.img`, `/dev` with a console
/// node (the kernel opens it for init's stdin, stdout and stderr), `/proc`. Returns its path,
/// `<root>/target/kvm/initramfs-<hash>.cpio`.
pub fn initramfs(workspace_root: &Path, guest_image: &Path) -> Result<PathBuf, BuildError> {
    let vmm = read(&vmm_binary(workspace_root)?)?;
    let image = read(guest_image)?;
    let mut hash = Sha256::new();
    for part in [&vmm, &image] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    let name = format!("initramfs-{}.cpio", &hex(&hash.finalize())[..16]);
    let dir = super::kernel::kvm_dir(workspace_root);
    let path = dir.join(name);
    if path.is_file() {
        // Marks it used; a file that cannot be touched is only pruned earlier.
        let _ = fs::File::options()
            .append(true)
            .open(&path)
            .and_then(|f| f.set_modified(SystemTime::now()));
    } else {
        let mut cpio = Initramfs::new();
        cpio.dir("dev")
            .char_device("dev/console", 5, 1)
            .dir("proc")
            .file("init", 0o755, &vmm)
            .file("guest.img", 0o644, &image);
        write_atomically(&path, &cpio.finish())?;
    }
    prune(&dir, &path, SystemTime::now());
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
