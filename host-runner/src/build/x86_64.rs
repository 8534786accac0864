//! The x86_64 guest: a crate of its own workspace (`guest-tests/x86_64`) built for
//! `x86_64-unknown-none`. Its ELF is what QEMU's `-kernel` (through the PVH note) and Xen's PVH
//! builder load, so there is no conversion step; the ELF is checked (64-bit, x86-64) and copied
//! beside the build as `irqsuite-x86_64.elf` when its content changed (SHA-256 recorded next to
//! it), so a machine booting it never reads a file cargo is rewriting.

use std::fs;
use std::path::{Path, PathBuf};

use object::elf::{EM_X86_64, FileHeader64};
use object::read::elf::FileHeader;
use object::{Endianness, elf};

use super::{BuildError, cargo_build, hex, read, write_atomically};
use sha2::{Digest, Sha256};

/// The Rust target the x86_64 guest is built for.
pub const X86_64_TARGET: &str = "x86_64-unknown-none";
/// The guest crate, relative to the workspace root.
pub const X86_64_GUEST_DIR: &str = "guest-tests/x86_64";
/// The guest's binary name (its `[[bin]]`).
const X86_64_BIN: &str = "irqsuite-x86_64";
/// The copy the machines boot, in the guest's target directory.
pub const X86_64_IMAGE: &str = "irqsuite-x86_64.elf";

/// Builds the x86_64 guest (cargo, release; the crate's `.cargo/config.toml` links it static)
/// and returns the ELF to boot, `<root>/target/guest-x86_64/irqsuite-x86_64.elf`, rewritten
/// (atomically) only when the built ELF's content changed.
pub fn x86_64_guest_image(workspace_root: &Path) -> Result<PathBuf, BuildError> {
    let guest_dir = workspace_root.join(X86_64_GUEST_DIR);
    let target_dir = workspace_root.join("target").join("guest-x86_64");
    cargo_build(&guest_dir, X86_64_TARGET, &target_dir)?;
    let elf_path = target_dir
        .join(X86_64_TARGET)
        .join("release")
        .join(X86_64_BIN);
    let elf = read(&elf_path)?;
    check_x86_64_elf(&elf)?;
    let hash = hex(&Sha256::digest(&elf));
    let image_path = target_dir.join(X86_64_IMAGE);
    let hash_path = target_dir.join(format!("{X86_64_IMAGE}.sha256"));
    let cached = fs::read_to_string(&hash_path).is_ok_and(|h| h.trim() == hash);
    if cached && image_path.is_file() {
        return Ok(image_path);
    }
    write_atomically(&image_path, &elf)?;
    write_atomically(&hash_path, format!("{hash}\n").as_bytes())?;
    Ok(image_path)
}

/// Whether `bytes` is a 64-bit little-endian x86-64 executable.
pub fn check_x86_64_elf(bytes: &[u8]) -> Result<(), BuildError> {
    let header = FileHeader64::<Endianness>::parse(bytes)
        .map_err(|e| BuildError::Elf(format!("not a 64-bit ELF file: {e}")))?;
    let endian = header
        .endian()
        .map_err(|e| BuildError::Elf(format!("bad ELF header: {e}")))?;
    let machine = header.e_machine(endian);
    if machine != EM_X86_64 || header.e_type(endian) != elf::ET_EXEC {
        return Err(BuildError::Elf(format!(
            "not an x86-64 executable (e_machine {machine}, e_type {})",
            header.e_type(endian)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aarch64_or_garbage_file_is_not_an_x86_64_guest() {
        let err = check_x86_64_elf(b"MZ not an ELF file, but long enough to be parsed at all....")
            .unwrap_err();
        assert!(err.to_string().contains("not a 64-bit ELF"), "{err}");
        let mut header = vec![0u8; 64];
        header[..4].copy_from_slice(b"\x7fELF");
        header[4..7].copy_from_slice(&[2, 1, 1]);
        header[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        header[18..20].copy_from_slice(&183u16.to_le_bytes()); // EM_AARCH64
        let err = check_x86_64_elf(&header).unwrap_err();
        assert!(
            err.to_string().contains("not an x86-64 executable"),
            "{err}"
        );
    }

    /// Builds the real guest; the second call finds the same copy, untouched.
    #[test]
    fn the_x86_64_guest_builds_into_an_elf_that_is_cached() {
        let root = crate::workspace_root();
        let path = x86_64_guest_image(&root).unwrap_or_else(|e| panic!("{e}"));
        check_x86_64_elf(&fs::read(&path).unwrap()).unwrap();
        let modified = fs::metadata(&path).unwrap().modified().unwrap();
        assert_eq!(x86_64_guest_image(&root).unwrap(), path);
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), modified);
    }
}
