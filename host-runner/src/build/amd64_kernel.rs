//! Debian's stock amd64 kernel for the `kvm-x86` backend, under `<workspace>/target/kvm-x86/`:
//! `linux-image-amd64` resolved to its versioned package with the host's own apt (this host is
//! amd64; the name is never pinned, the security archive keeps only the newest ABI),
//! downloaded with `apt-get download`, unpacked with `dpkg -x`, and reduced to what a boot needs:
//!
//! - `vmlinux`, the uncompressed kernel: the xz stream inside `boot/vmlinuz-*` (the bzImage's
//!   payload) decompressed with the `xz` tool. QEMU boots it through its PVH note, which skips
//!   the bzImage's own decompression (seconds under TCG).
//! - KVM's modules, `modules/<name>.ko` in the VMM's load order: `irqbypass`, `kvm`, `ccp`,
//!   `kvm-amd` (compressed `.ko.xz` ones are decompressed the same way).
//!
//! Fetched once: a later call finds the files and asks no mirror.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{debian_arm64, tools};

/// The metapackage that depends on the current versioned kernel.
const METAPACKAGE: &str = "linux-image-amd64";
/// The xz stream's magic (the .xz file format, §2.1.1.1).
const XZ_MAGIC: &[u8; 6] = b"\xfd7zXZ\0";
/// KVM's modules in load order, with their path under `lib/modules/<version>/kernel/`.
pub const MODULES: [(&str, &str); 4] = [
    ("irqbypass", "virt/lib/irqbypass.ko"),
    ("kvm", "arch/x86/kvm/kvm.ko"),
    ("ccp", "drivers/crypto/ccp/ccp.ko"),
    ("kvm-amd", "arch/x86/kvm/kvm-amd.ko"),
];

/// What a boot of the kvm-x86 backend needs from the kernel package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amd64Kernel {
    /// The uncompressed kernel.
    pub vmlinux: PathBuf,
    /// KVM's modules, `(name, path)`, in load order.
    pub modules: Vec<(&'static str, PathBuf)>,
}

/// Where the kvm-x86 backend keeps what it fetches and builds.
pub fn kvm_x86_dir(workspace_root: &Path) -> PathBuf {
    workspace_root.join("target").join("kvm-x86")
}

/// The kernel, when it has been fetched.
pub fn amd64_kernel(workspace_root: &Path) -> Option<Amd64Kernel> {
    let dir = kvm_x86_dir(workspace_root).join("kernel");
    let kernel = Amd64Kernel {
        vmlinux: dir.join("vmlinux"),
        modules: MODULES
            .iter()
            .map(|&(name, _)| (name, dir.join("modules").join(format!("{name}.ko"))))
            .collect(),
    };
    let complete = kernel.vmlinux.is_file() && kernel.modules.iter().all(|(_, p)| p.is_file());
    complete.then_some(kernel)
}

/// The kernel, fetched first when it is not there yet.
pub fn fetch_amd64_kernel(workspace_root: &Path) -> Result<Amd64Kernel, String> {
    if let Some(kernel) = amd64_kernel(workspace_root) {
        return Ok(kernel);
    }
    let base = kvm_x86_dir(workspace_root);
    let debs = base.join("debs");
    fs::create_dir_all(&debs).map_err(|e| format!("{}: {e}", debs.display()))?;
    let depends = tools::output(Command::new("apt-cache").args(["depends", METAPACKAGE]))?;
    let package =
        debian_arm64::versioned_dependency(&depends, "linux-image-").ok_or_else(|| {
            format!("apt-cache depends {METAPACKAGE} names no linux-image-* package:\n{depends}")
        })?;
    tools::output(
        Command::new("apt-get")
            .args(["-qq", "-oAPT::Sandbox::User=root", "download", &package])
            .current_dir(&debs),
    )?;
    let deb = fs::read_dir(&debs)
        .map_err(|e| format!("{}: {e}", debs.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{package}_")) && n.ends_with(".deb"))
        })
        .ok_or_else(|| {
            format!(
                "apt-get download {package} left no .deb in {}",
                debs.display()
            )
        })?;

    // Unpacked and reduced beside the final folder, then renamed: a run that stops half-way
    // leaves no kernel folder that looks complete.
    let unpacked = base.join(format!(".unpacked.{}", std::process::id()));
    let staging = base.join(format!(".kernel.{}", std::process::id()));
    for dir in [&unpacked, &staging] {
        let _ = fs::remove_dir_all(dir);
    }
    let result = (|| {
        debian_arm64::extract(&deb, &unpacked)?;
        fs::create_dir_all(staging.join("modules")).map_err(|e| e.to_string())?;
        let vmlinuz = find_prefixed(&unpacked.join("boot"), "vmlinuz-")
            .ok_or_else(|| format!("{} has no boot/vmlinuz-*", deb.display()))?;
        let image = fs::read(&vmlinuz).map_err(|e| format!("{}: {e}", vmlinuz.display()))?;
        let at =
            xz_stream(&image).ok_or_else(|| format!("{} holds no xz stream", vmlinuz.display()))?;
        let vmlinux = unxz(&image[at..])?;
        if !vmlinux.starts_with(b"\x7fELF") {
            return Err(format!("the xz stream of {} is no ELF", vmlinuz.display()));
        }
        write(&staging.join("vmlinux"), &vmlinux)?;
        let version = find_prefixed(&unpacked.join("lib/modules"), "")
            .ok_or_else(|| format!("{} has no lib/modules/<version>", deb.display()))?;
        for (name, path) in MODULES {
            let ko = version.join("kernel").join(path);
            let bytes = if ko.is_file() {
                fs::read(&ko).map_err(|e| format!("{}: {e}", ko.display()))?
            } else {
                let xz = ko.with_extension("ko.xz");
                let packed = fs::read(&xz)
                    .map_err(|e| format!("{} (nor {}): {e}", ko.display(), xz.display()))?;
                unxz(&packed)?
            };
            write(&staging.join("modules").join(format!("{name}.ko")), &bytes)?;
        }
        let dest = base.join("kernel");
        let _ = fs::remove_dir_all(&dest);
        fs::rename(&staging, &dest).map_err(|e| format!("{}: {e}", dest.display()))
    })();
    let _ = fs::remove_dir_all(&unpacked);
    let _ = fs::remove_dir_all(&staging);
    result?;
    let _ = fs::remove_file(&deb);
    amd64_kernel(workspace_root).ok_or_else(|| "the unpacked kernel is incomplete".to_owned())
}

/// Where the first xz stream starts in `image`.
pub fn xz_stream(image: &[u8]) -> Option<usize> {
    image.windows(XZ_MAGIC.len()).position(|w| w == XZ_MAGIC)
}

/// The first xz stream of `packed` decompressed (`xz -dc --single-stream`: what follows the
/// stream, like the bzImage's trailer, is ignored).
fn unxz(packed: &[u8]) -> Result<Vec<u8>, String> {
    let mut child = Command::new("xz")
        .args(["-dc", "--single-stream"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("xz (Debian's xz-utils): {e}"))?;
    let mut stdin = child.stdin.take().ok_or("xz without stdin")?;
    let packed = packed.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&packed));
    let out = child.wait_with_output().map_err(|e| format!("xz: {e}"))?;
    // xz stops reading after the stream: a broken pipe for the rest is expected.
    let _ = feeder.join();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!("xz -dc failed ({}): {}", out.status, stderr.trim()));
    }
    Ok(out.stdout)
}

/// The first entry of `dir` (sorted) whose name starts with `prefix`.
fn find_prefixed(dir: &Path, prefix: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    found.sort();
    found.pop()
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_xz_stream_is_found_after_the_setup_code_and_decompressed_without_its_trailer() {
        let mut child = Command::new("xz")
            .args(["-zc"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"\x7fELF kernel")
            .unwrap();
        let stream = child.wait_with_output().unwrap().stdout;
        let mut bzimage = b"MZ setup code".to_vec();
        let at = bzimage.len();
        bzimage.extend(&stream);
        bzimage.extend(b"\x00\x10\x00\x00 trailer");
        assert_eq!(xz_stream(&bzimage), Some(at));
        assert_eq!(unxz(&bzimage[at..]).unwrap(), b"\x7fELF kernel");
        assert_eq!(xz_stream(b"no stream here"), None);
        assert!(unxz(b"not xz").is_err());
    }

    #[test]
    fn the_kernel_counts_as_fetched_only_with_vmlinux_and_every_module() {
        let root = std::env::temp_dir().join(format!("irqsuite-amd64-{}", std::process::id()));
        let dir = kvm_x86_dir(&root).join("kernel");
        fs::create_dir_all(dir.join("modules")).unwrap();
        fs::write(dir.join("vmlinux"), b"").unwrap();
        assert_eq!(amd64_kernel(&root), None);
        for (name, _) in MODULES {
            fs::write(dir.join("modules").join(format!("{name}.ko")), b"").unwrap();
        }
        let kernel = amd64_kernel(&root).unwrap();
        fs::remove_dir_all(&root).unwrap();
        let names: Vec<_> = kernel.modules.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["irqbypass", "kvm", "ccp", "kvm-amd"]);
    }
}
