//! The kvm-arm64 backend's boot artefacts besides the kernel: the VMM (`host-runner/vmm`, a
//! static `aarch64-unknown-linux-musl` binary linked with rust-lld) and the initramfs that holds
//! it as `/init` next to the test guest's Image (`/guest.img`). The initramfs is named after
//! the hash of what it holds, so it is written once per VMM and guest, and never while another
//! run boots it.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::initramfs::Initramfs;
use super::{BuildError, VMM_DIR, VMM_TARGET, hex, read, write_atomically};

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
    let path = super::kernel::kvm_dir(workspace_root).join(name);
    if path.is_file() {
        return Ok(path);
    }
    let mut cpio = Initramfs::new();
    cpio.dir("dev")
        .char_device("dev/console", 5, 1)
        .dir("proc")
        .file("init", 0o755, &vmm)
        .file("guest.img", 0o644, &image);
    write_atomically(&path, &cpio.finish())?;
    Ok(path)
}
