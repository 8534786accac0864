//! The refvisor backend's hypervisor image: `host-runner/refvisor` (a crate of its own
//! workspace, `aarch64-unknown-none`) built with cargo and flattened from ELF to an arm64 Image
//! as the guest is ([`super::elf_to_flat_image`]). Cached like the guest image: cargo's own
//! incremental build, and the Image is rewritten only when the ELF's hash changed.

use std::path::{Path, PathBuf};

use super::BuildError;

/// The refvisor crate, relative to the workspace root.
pub const REFVISOR_DIR: &str = "host-runner/refvisor";
/// Its binary name.
const REFVISOR_BIN: &str = "refvisor";
/// The Image file name, in refvisor's target directory.
pub const REFVISOR_IMAGE: &str = "refvisor.img";

/// Builds refvisor (cargo, release, aarch64-unknown-none) and returns its Image,
/// `<root>/target/refvisor/refvisor.img`.
pub fn refvisor_image(workspace_root: &Path) -> Result<PathBuf, BuildError> {
    super::arm64_image(
        &workspace_root.join(REFVISOR_DIR),
        &workspace_root.join("target").join("refvisor"),
        REFVISOR_BIN,
        REFVISOR_IMAGE,
    )
}
