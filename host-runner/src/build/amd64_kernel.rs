//! The amd64 kernel of each build of the `kvm-x86` backend, under
//! `<workspace>/target/kvm-x86/<build>/kernel/`: Debian's `linux-image-amd64` of the build's
//! release (bookworm's Linux 6.1, trixie's 6.12), resolved to its versioned package through a
//! private apt state (never pinned: the security archive keeps only the newest ABI), downloaded,
//! unpacked with `dpkg -x`, and reduced to what a boot needs:
//!
//! - `vmlinux`, the uncompressed kernel: the bzImage's payload (`boot/vmlinuz-*`; xz in
//!   bookworm, zstd in trixie) decompressed with the `xz` or `zstd` tool. QEMU boots it through its PVH note, which skips
//!   the bzImage's own decompression (seconds under TCG).
//! - KVM's modules, `modules/<name>.ko` (decompressed from `.ko.xz`, `.ko.zst` or `.ko.gz`),
//!   and `modules/order`, their load order: `kvm-amd` (the emulated CPU is an AMD one with SVM)
//!   after its dependencies, read from each module's `.modinfo` `depends=` and followed through
//!   the modules the kernel has not built in (`modules.builtin`).
//!
//! A user's build is a `vmlinux` (with its PVH note) or a `bzImage` and, where KVM is a module,
//! its `lib/modules/<release>` folder, used where they are. Fetched once: a later call finds the
//! files and asks no mirror.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use object::{Object, ObjectSection};

use crate::builds::provenance;
use crate::builds::{Build, Origin};
use crate::debian::{self, PrivateApt};

/// The xz stream's magic (the .xz file format, §2.1.1.1).
const XZ_MAGIC: &[u8; 6] = b"\xfd7zXZ\0";
/// The module that gives KVM on the emulated AMD CPU; what it depends on is loaded before it.
pub const KVM_MODULE: &str = "kvm-amd";
/// The file listing the modules' load order, one name a line.
pub const ORDER_FILE: &str = "order";

/// What a boot of the kvm-x86 backend needs from a kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amd64Kernel {
    /// The kernel QEMU boots (`vmlinux` through its PVH note, or a `bzImage`).
    pub vmlinux: PathBuf,
    /// KVM's modules, `(name, path)`, in load order (a path may be compressed); none when KVM
    /// is built in.
    pub modules: Vec<(String, PathBuf)>,
}

/// Where the kvm-x86 backend keeps what it fetches and builds.
pub fn kvm_x86_dir(workspace_root: &Path) -> PathBuf {
    workspace_root.join("target").join("kvm-x86")
}

/// The reduced kernel package of `build`.
fn kernel_dir(workspace_root: &Path, build: &Build) -> PathBuf {
    kvm_x86_dir(workspace_root).join(build.name).join("kernel")
}

/// The kernel of `build`, when it is there: the fetched one (complete: `vmlinux`, the load
/// order and every module it names), or the user's.
pub fn amd64_kernel(workspace_root: &Path, build: &Build) -> Option<Amd64Kernel> {
    if let Origin::User(files) = &build.origin {
        let modules = match &files.modules {
            Some(dir) => kvm_modules(dir).ok()?,
            None => vec![],
        };
        return files.image.is_file().then(|| Amd64Kernel {
            vmlinux: files.image.clone(),
            modules,
        });
    }
    let dir = kernel_dir(workspace_root, build);
    let order = fs::read_to_string(dir.join("modules").join(ORDER_FILE)).ok()?;
    let kernel = Amd64Kernel {
        vmlinux: dir.join("vmlinux"),
        modules: order
            .lines()
            .filter(|l| !l.is_empty())
            .map(|name| {
                (
                    name.to_owned(),
                    dir.join("modules").join(format!("{name}.ko")),
                )
            })
            .collect(),
    };
    let complete = kernel.vmlinux.is_file() && kernel.modules.iter().all(|(_, p)| p.is_file());
    complete.then_some(kernel)
}

/// The kernel of `build`, fetched first when it is not there yet.
pub fn fetch_amd64_kernel(workspace_root: &Path, build: &Build) -> Result<Amd64Kernel, String> {
    if let Some(kernel) = amd64_kernel(workspace_root, build) {
        return Ok(kernel);
    }
    let Origin::Package { suite, package } = &build.origin else {
        return Err(format!("kvm-x86@{} has no kernel to fetch", build.name));
    };
    let base = kvm_x86_dir(workspace_root).join(build.name);
    let apt = PrivateApt::new(&base.join("apt"), *suite, "amd64");
    apt.update()?;
    let versioned = apt.resolve(package, "linux-image-")?;
    super::kernel::check_version(build, &versioned)?;
    let deb = apt.download(&versioned)?;

    // Unpacked and reduced beside the final folder, then renamed: a run that stops half-way
    // leaves no kernel folder that looks complete.
    let unpacked = base.join(format!(".unpacked.{}", std::process::id()));
    let staging = base.join(format!(".kernel.{}", std::process::id()));
    for dir in [&unpacked, &staging] {
        let _ = fs::remove_dir_all(dir);
    }
    let result = (|| {
        debian::extract(&deb, &unpacked)?;
        fs::create_dir_all(staging.join("modules")).map_err(|e| e.to_string())?;
        let vmlinuz = find_prefixed(&unpacked.join("boot"), "vmlinuz-")
            .ok_or_else(|| format!("{} has no boot/vmlinuz-*", deb.display()))?;
        let image = fs::read(&vmlinuz).map_err(|e| format!("{}: {e}", vmlinuz.display()))?;
        let vmlinux =
            decompress_payload(&image).map_err(|e| format!("{}: {e}", vmlinuz.display()))?;
        write(&staging.join("vmlinux"), &vmlinux)?;
        // usr/lib/modules in a merged-/usr package (trixie), lib/modules before it.
        let release = ["usr/lib/modules", "lib/modules"]
            .iter()
            .find_map(|at| find_prefixed(&unpacked.join(at), ""))
            .ok_or_else(|| format!("{} has no [usr/]lib/modules/<release>", deb.display()))?;
        let mut order = String::new();
        for (name, path) in kvm_modules(&release)? {
            write(
                &staging.join("modules").join(format!("{name}.ko")),
                &read_module(&path)?,
            )?;
            order.push_str(&name);
            order.push('\n');
        }
        write(&staging.join("modules").join(ORDER_FILE), order.as_bytes())?;
        let from = format!(
            "{} (Debian {})",
            debian::package_version(&deb)?,
            suite.codename()
        );
        provenance::record(&staging, &from)?;
        let dest = kernel_dir(workspace_root, build);
        let _ = fs::remove_dir_all(&dest);
        fs::rename(&staging, &dest).map_err(|e| format!("{}: {e}", dest.display()))
    })();
    let _ = fs::remove_dir_all(&unpacked);
    let _ = fs::remove_dir_all(&staging);
    result?;
    let _ = fs::remove_file(&deb);
    amd64_kernel(workspace_root, build)
        .ok_or_else(|| "the unpacked kernel is incomplete".to_owned())
}

/// The modules of `release` (`lib/modules/<release>`) that KVM on an AMD CPU needs, in load
/// order: [`KVM_MODULE`] after everything it depends on, built-in ones left out. None when
/// `kvm-amd` is built in; an error when it is neither built in nor a module.
pub fn kvm_modules(release: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let builtin = builtin_modules(release);
    if builtin.contains(&module_key(KVM_MODULE)) {
        return Ok(vec![]);
    }
    let files = module_files(release);
    let mut order = Vec::new();
    let mut seen = HashSet::new();
    visit(KVM_MODULE, &files, &builtin, &mut seen, &mut order)?;
    Ok(order)
}

/// Adds `name`'s dependencies, then `name`, to `order` (depth first; each once).
fn visit(
    name: &str,
    files: &[(String, PathBuf)],
    builtin: &HashSet<String>,
    seen: &mut HashSet<String>,
    order: &mut Vec<(String, PathBuf)>,
) -> Result<(), String> {
    let key = module_key(name);
    if builtin.contains(&key) || !seen.insert(key.clone()) {
        return Ok(());
    }
    let (_, path) = files
        .iter()
        .find(|(k, _)| *k == key)
        .ok_or_else(|| format!("module {name} is neither built in nor in the modules folder"))?;
    for dep in modinfo_depends(&read_module(path)?)? {
        visit(&dep, files, builtin, seen, order)?;
    }
    order.push((name.replace('_', "-"), path.clone()));
    Ok(())
}

/// A module's name as the kernel compares it (`-` and `_` are the same).
fn module_key(name: &str) -> String {
    name.replace('-', "_")
}

/// The names (as [`module_key`]) of the modules built into the kernel (`modules.builtin`).
fn builtin_modules(release: &Path) -> HashSet<String> {
    let text = fs::read_to_string(release.join("modules.builtin")).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.rsplit('/').next())
        .filter_map(|f| f.strip_suffix(".ko"))
        .map(module_key)
        .collect()
}

/// Every module file under `release/kernel` (`.ko`, `.ko.xz`, `.ko.zst`, `.ko.gz`), keyed.
fn module_files(release: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let mut stack = vec![release.join("kernel")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let stem = [".ko", ".ko.xz", ".ko.zst", ".ko.gz"]
                .iter()
                .find_map(|ext| name.strip_suffix(ext));
            if let Some(stem) = stem {
                found.push((module_key(stem), path));
            }
        }
    }
    found.sort();
    found
}

/// A module's bytes, decompressed according to its extension.
pub fn read_module(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path.to_string_lossy();
    if name.ends_with(".ko.xz") {
        unxz(&bytes)
    } else if name.ends_with(".ko.zst") {
        filter("zstd", &["-dc"], &bytes)
    } else if name.ends_with(".ko.gz") {
        filter("gzip", &["-dc"], &bytes)
    } else {
        Ok(bytes)
    }
}

/// The modules a module depends on: its `.modinfo` section's `depends=` (comma-separated).
pub fn modinfo_depends(ko: &[u8]) -> Result<Vec<String>, String> {
    let elf = object::File::parse(ko).map_err(|e| format!("not a module (ELF): {e}"))?;
    let section = elf
        .section_by_name(".modinfo")
        .ok_or("a module without a .modinfo section")?;
    let data = section.data().map_err(|e| e.to_string())?;
    Ok(data
        .split(|&b| b == 0)
        .filter_map(|field| field.strip_prefix(b"depends="))
        .flat_map(|list| {
            String::from_utf8_lossy(list)
                .split(',')
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|d| !d.is_empty())
        .collect())
}

/// The zstd frame's magic (RFC 8878, 3.1.1).
const ZSTD_MAGIC: &[u8; 4] = b"\x28\xb5\x2f\xfd";

/// The bzImage's compressed payload: `payload_offset` and `payload_length` of the setup header
/// (boot protocol 2.08+, Linux's `Documentation/arch/x86/boot.rst`), from the start of the
/// protected-mode code, `(setup_sects + 1) * 512` bytes in (0 sectors meaning 4). Its last four
/// bytes are the decompressed size the build appends.
pub fn payload(image: &[u8]) -> Option<&[u8]> {
    let u32_at = |at: usize| Some(u32::from_le_bytes(image.get(at..at + 4)?.try_into().ok()?));
    if image.get(0x202..0x206)? != b"HdrS" {
        return None;
    }
    let sects = match *image.get(0x1f1)? {
        0 => 4,
        n => usize::from(n),
    };
    let start = (sects + 1) * 512 + usize::try_from(u32_at(0x248)?).ok()?;
    let length = usize::try_from(u32_at(0x24c)?).ok()?;
    image.get(start..start.checked_add(length)?)
}

/// The vmlinux ELF inside bzImage `image`: its payload, xz (bookworm) or zstd (trixie).
fn decompress_payload(image: &[u8]) -> Result<Vec<u8>, String> {
    let packed = payload(image).ok_or("not a bzImage with a payload (boot protocol 2.08+)")?;
    let stream = &packed[..packed.len().saturating_sub(4)];
    let vmlinux = if stream.starts_with(XZ_MAGIC) {
        unxz(stream)?
    } else if stream.starts_with(ZSTD_MAGIC) {
        filter("zstd", &["-dc"], stream)?
    } else {
        let head: Vec<String> = stream.iter().take(4).map(|b| format!("{b:02x}")).collect();
        return Err(format!(
            "a payload neither xz nor zstd (starts {})",
            head.join(" ")
        ));
    };
    match vmlinux.starts_with(b"\x7fELF") {
        true => Ok(vmlinux),
        false => Err("the payload is no ELF".into()),
    }
}

/// Where the first xz stream starts in `image`.
pub fn xz_stream(image: &[u8]) -> Option<usize> {
    image.windows(XZ_MAGIC.len()).position(|w| w == XZ_MAGIC)
}

/// The first xz stream of `packed` decompressed (`xz -dc --single-stream`: what follows the
/// stream, like the bzImage's trailer, is ignored).
fn unxz(packed: &[u8]) -> Result<Vec<u8>, String> {
    filter("xz", &["-dc", "--single-stream"], packed)
}

/// `input` through `program args` (a decompressor), its standard output.
fn filter(program: &str, args: &[&str], input: &[u8]) -> Result<Vec<u8>, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("{program}: {e}"))?;
    // A decompressor may stop reading after its stream: a broken pipe for the rest is expected.
    let _ = feeder.join();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "{program} {} failed ({}): {}",
            args.join(" "),
            out.status,
            stderr.trim()
        ));
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
    fn the_payload_is_found_through_the_setup_header_and_decompressed_by_its_magic() {
        let packed = filter("zstd", &["-q", "-c"], b"\x7fELF kernel").unwrap();
        let mut image = vec![0u8; 3 * 512];
        image[0x1f1] = 2; // setup_sects: protected-mode code at 3 * 512
        image[0x202..0x206].copy_from_slice(b"HdrS");
        image[0x248..0x24c].copy_from_slice(&16u32.to_le_bytes());
        let length = u32::try_from(packed.len() + 4).unwrap();
        image[0x24c..0x250].copy_from_slice(&length.to_le_bytes());
        image.extend_from_slice(&[0; 16]);
        image.extend_from_slice(&packed);
        image.extend_from_slice(&13u32.to_le_bytes()); // the appended size
        image.extend_from_slice(b"trailer");
        assert_eq!(decompress_payload(&image).unwrap(), b"\x7fELF kernel");
        assert!(decompress_payload(b"MZ not a bzImage").is_err());
    }

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

    /// A module ELF whose `.modinfo` says `depends=<depends>`, made with the host's `ld`-free
    /// `object` writer.
    fn module(depends: &str) -> Vec<u8> {
        use object::write::{Object as Writer, StandardSegment};
        use object::{Architecture, BinaryFormat, Endianness, SectionKind};
        let mut obj = Writer::new(BinaryFormat::Elf, Architecture::X86_64, Endianness::Little);
        let id = obj.add_section(
            obj.segment_name(StandardSegment::Data).to_vec(),
            b".modinfo".to_vec(),
            SectionKind::ReadOnlyData,
        );
        let info = format!("license=GPL\0depends={depends}\0name=x\0");
        obj.append_section_data(id, info.as_bytes(), 1);
        obj.write().unwrap()
    }

    #[test]
    fn kvm_amd_comes_after_what_it_depends_on_and_built_ins_are_left_out() {
        let root = std::env::temp_dir().join(format!("irqsuite-modules-{}", std::process::id()));
        let kvm = root.join("kernel/arch/x86/kvm");
        fs::create_dir_all(&kvm).unwrap();
        fs::create_dir_all(root.join("kernel/virt/lib")).unwrap();
        fs::write(kvm.join("kvm-amd.ko"), module("kvm,ccp")).unwrap();
        fs::write(kvm.join("kvm.ko"), module("irqbypass")).unwrap();
        fs::write(root.join("kernel/virt/lib/irqbypass.ko"), module("")).unwrap();
        fs::write(
            root.join("modules.builtin"),
            "kernel/drivers/crypto/ccp/ccp.ko\n",
        )
        .unwrap();
        let names: Vec<String> = kvm_modules(&root)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        fs::write(
            root.join("modules.builtin"),
            "kernel/arch/x86/kvm/kvm-amd.ko\n",
        )
        .unwrap();
        let none = kvm_modules(&root).unwrap();
        fs::remove_file(root.join("modules.builtin")).unwrap();
        let missing = kvm_modules(&root).unwrap_err();
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(names, ["irqbypass", "kvm", "kvm-amd"]);
        assert!(none.is_empty(), "kvm-amd built in: nothing to load");
        assert!(missing.contains("ccp"), "{missing}");
    }

    #[test]
    fn a_fetched_kernel_counts_only_with_vmlinux_and_every_module_of_its_order() {
        let root = std::env::temp_dir().join(format!("irqsuite-amd64-{}", std::process::id()));
        let build = crate::backend::debian_kernel("linux-image-amd64", 0);
        let dir = kernel_dir(&root, &build);
        fs::create_dir_all(dir.join("modules")).unwrap();
        fs::write(dir.join("vmlinux"), b"").unwrap();
        fs::write(dir.join("modules/order"), "irqbypass\nkvm\n").unwrap();
        fs::write(dir.join("modules/irqbypass.ko"), b"").unwrap();
        assert_eq!(amd64_kernel(&root, &build), None);
        fs::write(dir.join("modules/kvm.ko"), b"").unwrap();
        let kernel = amd64_kernel(&root, &build).unwrap();
        fs::remove_dir_all(&root).unwrap();
        let names: Vec<_> = kernel.modules.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["irqbypass", "kvm"]);
    }
}
