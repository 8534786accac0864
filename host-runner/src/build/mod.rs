//! Building guest images.
//!
//! The x86_64 guest's ELF is loaded as it is (see [`x86_64_guest_image`]).
//!
//! The aarch64 guest is a crate of its own workspace (`guest-tests/aarch64`) built for
//! `aarch64-unknown-none` with cargo, then flattened from ELF to an arm64 Image
//! ([`elf_to_flat_image`]), the one format QEMU `-kernel`, Xen and KVM VMMs all load. Both steps
//! are cached: cargo rebuilds only what changed, and the Image is rewritten only when the ELF's
//! content hash differs from the one recorded next to it.

pub mod amd64_kernel;
mod image;
pub mod initramfs;
pub mod kernel;
pub mod refvisor;
pub mod vmm;
mod x86_64;
pub mod xen;

use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

pub use image::{ARM64_MAGIC, ARM64_MAGIC_OFFSET, elf_to_flat_image, has_arm64_header};
pub use x86_64::{X86_64_GUEST_DIR, X86_64_IMAGE, X86_64_TARGET, x86_64_guest_image};

/// The Rust target the aarch64 guest is built for.
pub const AARCH64_TARGET: &str = "aarch64-unknown-none";
/// The Rust target the kvm-arm64 VMM is built for (static, linked with rust-lld).
pub const VMM_TARGET: &str = "aarch64-unknown-linux-musl";
/// The Rust target the kvm-x86 VMM is built for (static, linked with rust-lld).
pub const X86_VMM_TARGET: &str = "x86_64-unknown-linux-musl";
/// The VMM crate, relative to the workspace root.
pub const VMM_DIR: &str = "host-runner/vmm";
/// The guest crate, relative to the workspace root.
pub const AARCH64_GUEST_DIR: &str = "guest-tests/aarch64";
/// The guest's binary name (its `[[bin]]`).
const AARCH64_BIN: &str = "irqsuite-aarch64";
/// The image file name, in the guest's target directory.
pub const AARCH64_IMAGE: &str = "irqsuite-aarch64.img";

/// Why a guest image could not be built.
#[derive(Debug)]
pub enum BuildError {
    /// cargo itself could not be started.
    CargoNotRunnable(io::Error),
    /// The Rust target is not installed for the toolchain in use.
    MissingTarget(&'static str),
    /// `cargo build` failed.
    Cargo {
        /// Its exit status.
        status: ExitStatus,
        /// The end of what it printed on stderr.
        stderr: String,
    },
    /// Reading or writing a file failed.
    Io {
        /// Which file.
        path: PathBuf,
        /// What went wrong.
        source: io::Error,
    },
    /// The guest ELF is not what an image can be made from.
    Elf(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::CargoNotRunnable(e) => write!(f, "could not run cargo: {e}"),
            BuildError::MissingTarget(target) => write!(
                f,
                "the Rust target {target} is not installed; run `rustup target add {target}`"
            ),
            BuildError::Cargo { status, stderr } => {
                write!(f, "building the guest failed ({status}):\n{stderr}")
            }
            BuildError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            BuildError::Elf(why) => write!(f, "guest ELF: {why}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::CargoNotRunnable(e) | BuildError::Io { source: e, .. } => Some(e),
            _ => None,
        }
    }
}

/// Builds the aarch64 guest (cargo, release) and converts its ELF to a flat arm64 Image; returns
/// the Image path, `<root>/target/guest-aarch64/irqsuite-aarch64.img`.
///
/// Cached: cargo's own incremental build, and the Image is rewritten only when the ELF changed
/// (its SHA-256 is kept next to the Image). The Image is written atomically, so a concurrent
/// reader sees the old one or the new one, never half of one.
pub fn aarch64_guest_image(workspace_root: &Path) -> Result<PathBuf, BuildError> {
    let target_dir = workspace_root.join("target").join("guest-aarch64");
    arm64_image(
        &workspace_root.join(AARCH64_GUEST_DIR),
        &target_dir,
        AARCH64_BIN,
        AARCH64_IMAGE,
    )
}

/// Builds the `aarch64-unknown-none` crate in `crate_dir` (cargo, release, into `target_dir`)
/// and flattens its binary `bin` to the arm64 Image `target_dir/<image>`; returns its path.
/// The Image is rewritten only when the ELF's SHA-256 (kept next to it) changed, atomically.
pub(crate) fn arm64_image(
    crate_dir: &Path,
    target_dir: &Path,
    bin: &str,
    image: &str,
) -> Result<PathBuf, BuildError> {
    cargo_build(crate_dir, AARCH64_TARGET, target_dir)?;
    let elf_path = target_dir.join(AARCH64_TARGET).join("release").join(bin);
    let elf = read(&elf_path)?;
    let hash = hex(&Sha256::digest(&elf));
    let image_path = target_dir.join(image);
    let hash_path = target_dir.join(format!("{image}.elf-sha256"));
    let cached = fs::read_to_string(&hash_path).is_ok_and(|h| h.trim() == hash);
    if cached && image_path.is_file() {
        return Ok(image_path);
    }

    let flat = elf_to_flat_image(&elf)?;
    if !has_arm64_header(&flat) {
        return Err(BuildError::Elf(format!(
            "{} has no arm64 Image header (magic ARM\\x64 at {ARM64_MAGIC_OFFSET:#x})",
            elf_path.display()
        )));
    }
    write_atomically(&image_path, &flat)?;
    write_atomically(&hash_path, format!("{hash}\n").as_bytes())?;
    Ok(image_path)
}

/// Environment that would change how the guest builds: flags and targets meant for the host
/// build (or a coverage run) that must not leak into a bare-metal one.
const SCRUBBED_ENV: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_RUSTC_WRAPPER",
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
];

/// `cargo build --release --target <target>` of the crate in `crate_dir` (the guest, or the
/// VMM), with its own target directory so it never waits on the host build's lock.
fn cargo_build(
    crate_dir: &Path,
    target: &'static str,
    target_dir: &Path,
) -> Result<(), BuildError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--release", "--target", target, "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target_dir);
    for var in SCRUBBED_ENV {
        cmd.env_remove(var);
    }
    // Per-target overrides (CARGO_TARGET_<triple>_RUSTFLAGS, _LINKER, _RUNNER) and profile
    // overrides of the caller's build.
    for (key, _) in std::env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        if (key.starts_with("CARGO_TARGET_") && key != "CARGO_TARGET_DIR")
            || key.starts_with("CARGO_PROFILE_")
        {
            cmd.env_remove(key);
        }
    }
    let output = cmd.output().map_err(BuildError::CargoNotRunnable)?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("target may not be installed")
        || stderr.contains(&format!("rustup target add {target}"))
    {
        return Err(BuildError::MissingTarget(target));
    }
    Err(BuildError::Cargo {
        status: output.status,
        stderr: tail(&stderr, 40),
    })
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, BuildError> {
    fs::read(path).map_err(|source| BuildError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BuildError> {
    let io_err = |p: &Path| {
        let p = p.to_owned();
        move |source| BuildError::Io { path: p, source }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // Unique per process and call, so concurrent writers never share a temporary.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io_err(path))
}

/// `bytes` as lower-case hex digits.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `IRQSUITE_ROOT`, or the workspace host-runner sits in.
    fn workspace_root() -> PathBuf {
        std::env::var_os("IRQSUITE_ROOT").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
            PathBuf::from,
        )
    }

    /// Builds the real guest: the Image starts with the arm64 header (branch, text_offset
    /// 0x200000, an image_size that covers the file, magic), and a second call reuses it.
    #[test]
    fn the_aarch64_guest_builds_into_an_arm64_image_that_is_cached() {
        let path = aarch64_guest_image(&workspace_root()).unwrap_or_else(|e| panic!("{e}"));
        let image = fs::read(&path).unwrap();
        assert!(has_arm64_header(&image));
        let word = |at: usize| u64::from_le_bytes(image[at..at + 8].try_into().unwrap());
        assert_eq!(image[3] & 0xfc, 0x14, "code0 is a branch (b entry)");
        assert_eq!(word(0x08), 0x20_0000, "text_offset");
        assert!(
            word(0x10) >= image.len() as u64,
            "image_size covers the file"
        );
        let modified = fs::metadata(&path).unwrap().modified().unwrap();

        let again = aarch64_guest_image(&workspace_root()).unwrap();
        assert_eq!(again, path);
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), modified);
    }

    /// Builds refvisor: an arm64 Image linked at 0x4800_0000 (text_offset 128 MiB), cached.
    #[test]
    fn refvisor_builds_into_an_arm64_image_above_the_guest_ram_that_is_cached() {
        let path = refvisor::refvisor_image(&workspace_root()).unwrap_or_else(|e| panic!("{e}"));
        let image = fs::read(&path).unwrap();
        assert!(has_arm64_header(&image));
        let word = |at: usize| u64::from_le_bytes(image[at..at + 8].try_into().unwrap());
        assert_eq!(word(0x08), 0x800_0000, "text_offset");
        let modified = fs::metadata(&path).unwrap().modified().unwrap();
        assert_eq!(refvisor::refvisor_image(&workspace_root()).unwrap(), path);
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), modified);
    }

    /// Builds the real VMM (static aarch64) and the initramfs around it and the guest; the
    /// second call finds the same archive.
    #[test]
    fn the_kvm_initramfs_holds_the_static_vmm_and_the_guest_and_is_cached() {
        let root = workspace_root();
        let vmm = fs::read(vmm::vmm_binary(&root).unwrap_or_else(|e| panic!("{e}"))).unwrap();
        assert_eq!(&vmm[..4], b"\x7fELF");
        assert_eq!(u16::from_le_bytes([vmm[18], vmm[19]]), 183, "EM_AARCH64");
        let image = aarch64_guest_image(&root).unwrap();
        let path = vmm::initramfs(&root, &image).unwrap_or_else(|e| panic!("{e}"));
        let archive = fs::read(&path).unwrap();
        assert_eq!(&archive[..6], b"070701");
        let image_len = fs::metadata(&image).unwrap().len() as usize;
        assert!(archive.len() > vmm.len() + image_len);
        assert_eq!(vmm::initramfs(&root, &image).unwrap(), path);
    }

    /// Builds the real x86_64 VMM and guest, and the kvm-x86 initramfs around them and KVM's
    /// modules (stand-ins here: the archive only carries them); the second call finds it.
    #[test]
    fn the_kvm_x86_initramfs_holds_the_vmm_the_modules_in_order_and_the_guest_elf() {
        let root = workspace_root();
        let vmm = fs::read(vmm::x86_vmm_binary(&root).unwrap_or_else(|e| panic!("{e}"))).unwrap();
        assert_eq!(u16::from_le_bytes([vmm[18], vmm[19]]), 62, "EM_X86_64");
        let guest = x86_64_guest_image(&root).unwrap_or_else(|e| panic!("{e}"));
        let dir = std::env::temp_dir().join(format!("irqsuite-x86-modules-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let kernel = amd64_kernel::Amd64Kernel {
            vmlinux: dir.join("vmlinux"),
            modules: ["irqbypass", "kvm", "ccp", "kvm-amd"]
                .iter()
                .map(|&name| {
                    let path = dir.join(format!("{name}.ko"));
                    fs::write(&path, format!("module {name}")).unwrap();
                    (name.to_owned(), path)
                })
                .collect(),
        };
        let path = vmm::x86_initramfs(&root, &guest, &kernel).unwrap_or_else(|e| panic!("{e}"));
        let again = vmm::x86_initramfs(&root, &guest, &kernel).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(again, path);
        let archive = fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&archive);
        let at = |name: &str| {
            text.find(&format!("{name}\0"))
                .unwrap_or_else(|| panic!("{name}"))
        };
        let modules =
            ["irqbypass", "kvm", "ccp", "kvm-amd"].map(|m| at(&format!("modules/{m}.ko")));
        assert!(modules.is_sorted(), "modules in load order");
        assert!(at("init") > 0 && at("guest.elf") > 0 && at("dev/console") > 0);
        assert!(
            text.contains("irqbypass\nkvm\nccp\nkvm-amd\n"),
            "the load order"
        );
        assert!(text.contains("module kvm-amd"));
    }

    #[test]
    fn atomic_writes_replace_the_file_and_leave_no_temporary() {
        let dir = std::env::temp_dir().join(format!("irqsuite-build-test-{}", std::process::id()));
        let path = dir.join("out.img");
        write_atomically(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![OsString::from("out.img")]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_target_is_explained_with_the_rustup_command() {
        let msg = BuildError::MissingTarget(AARCH64_TARGET).to_string();
        assert!(
            msg.contains("rustup target add aarch64-unknown-none"),
            "{msg}"
        );
    }
}
