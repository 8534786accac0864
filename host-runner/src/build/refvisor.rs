//! The refvisor backend's hypervisor image: `host-runner/refvisor` (a crate of its own
//! workspace, `aarch64-unknown-none`) built with cargo and flattened from ELF to an arm64 Image
//! as the guest is ([`super::elf_to_flat_image`]). Cached like the guest image: cargo's own
//! incremental build, and the Image is rewritten only when the ELF's hash changed.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{
    AARCH64_TARGET, ARM64_MAGIC_OFFSET, BuildError, elf_to_flat_image, has_arm64_header, hex, read,
    write_atomically,
};

/// The refvisor crate, relative to the workspace root.
pub const REFVISOR_DIR: &str = "host-runner/refvisor";
/// Its binary name.
const REFVISOR_BIN: &str = "refvisor";
/// The Image file name, in refvisor's target directory.
pub const REFVISOR_IMAGE: &str = "refvisor.img";

/// Builds refvisor (cargo, release, aarch64-unknown-none) and returns its Image,
/// `<root>/target/refvisor/refvisor.img`.
pub fn refvisor_image(workspace_root: &Path) -> Result<PathBuf, BuildError> {
    let target_dir = workspace_root.join("target").join("refvisor");
    super::cargo_build(
        &workspace_root.join(REFVISOR_DIR),
        AARCH64_TARGET,
        &target_dir,
    )?;
    let elf_path = target_dir
        .join(AARCH64_TARGET)
        .join("release")
        .join(REFVISOR_BIN);
    let elf = read(&elf_path)?;
    let hash = hex(&Sha256::digest(&elf));
    let image_path = target_dir.join(REFVISOR_IMAGE);
    let hash_path = target_dir.join(format!("{REFVISOR_IMAGE}.elf-sha256"));
    let cached = fs::read_to_string(&hash_path).is_ok_and(|h| h.trim() == hash);
    if cached && image_path.is_file() {
        return Ok(image_path);
    }
    let image = elf_to_flat_image(&elf)?;
    if !has_arm64_header(&image) {
        return Err(BuildError::Elf(format!(
            "{} has no arm64 Image header (magic ARM\\x64 at {ARM64_MAGIC_OFFSET:#x})",
            elf_path.display()
        )));
    }
    write_atomically(&image_path, &image)?;
    write_atomically(&hash_path, format!("{hash}\n").as_bytes())?;
    Ok(image_path)
}
