//! A user's own build of the hypervisor under test, from the command line
//! (`--build xen-dom0less@mine=xen/xen`, `--build kvm-x86@next=vmlinux,modules=lib/modules/6.13.0`)
//! or from a small file a CI job commits (`--builds builds.toml`):
//!
//! ```toml
//! [[build]]
//! backend = "xen-dom0less"        # xen-dom0less, kvm-arm64 or kvm-x86
//! name = "mine"                   # the column: xen-dom0less@mine/gicv2
//! image = "../xen/xen/xen"        # relative to this file
//! version = "4.21"                # optional: scopes baseline entries with `versions`
//! targets = ["gicv2"]             # optional: a new-VGIC Xen has no GICv3
//! # modules = "mods/lib/modules/6.13.0"   # kvm-x86, where KVM is a module
//! ```
//!
//! Every file is checked before any machine boots, and what is wrong is a usage error (exit 2):
//! a Xen that is not an arm64 Image or has no dom0less support, an arm64 kernel that is not an
//! Image or has no KVM, an x86 kernel that QEMU cannot boot or whose KVM cannot be found.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Build, Origin, UserFiles, Version, valid_name};
use crate::plan::UsageError;

/// The backends that take a user's build.
pub const BACKENDS: [&str; 3] = ["xen-dom0less", "kvm-arm64", "kvm-x86"];

/// One `[[build]]` of a builds file.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The backend (`xen-dom0less`, `kvm-arm64`, `kvm-x86`).
    pub backend: String,
    /// The build's name.
    pub name: String,
    /// The hypervisor or kernel image.
    pub image: PathBuf,
    /// The kernel's modules folder (`lib/modules/<release>`).
    #[serde(default)]
    pub modules: Option<PathBuf>,
    /// Its version.
    #[serde(default)]
    pub version: Option<String>,
    /// The targets it runs (default: every target of the backend).
    #[serde(default)]
    pub targets: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    build: Vec<Spec>,
}

/// Parses `--build BACKEND@NAME=IMAGE[,modules=DIR][,version=V]`.
pub fn parse_flag(text: &str) -> Result<Spec, UsageError> {
    let usage = || {
        UsageError(format!(
            "--build {text:?}: expected BACKEND@NAME=IMAGE[,modules=DIR][,version=V] \
             (e.g. xen-dom0less@mine=xen/xen)"
        ))
    };
    let (spelling, rest) = text.split_once('=').ok_or_else(usage)?;
    let (backend, name) = spelling.split_once('@').ok_or_else(usage)?;
    let mut parts = rest.split(',');
    let image = parts.next().filter(|i| !i.is_empty()).ok_or_else(usage)?;
    let mut spec = Spec {
        backend: backend.to_owned(),
        name: name.to_owned(),
        image: PathBuf::from(image),
        modules: None,
        version: None,
        targets: None,
    };
    for part in parts {
        match part.split_once('=') {
            Some(("modules", dir)) => spec.modules = Some(PathBuf::from(dir)),
            Some(("version", v)) => spec.version = Some(v.to_owned()),
            _ => return Err(usage()),
        }
    }
    Ok(spec)
}

/// Reads a builds file; relative paths in it are relative to its folder.
pub fn load(path: &Path) -> Result<Vec<Spec>, UsageError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("cannot read builds file {}: {e}", path.display())))?;
    let file: File = toml::from_str(&text)
        .map_err(|e| UsageError(format!("builds file {}: {e}", path.display())))?;
    let base = path.parent().unwrap_or(Path::new("."));
    Ok(file
        .build
        .into_iter()
        .map(|mut spec| {
            spec.image = base.join(&spec.image);
            spec.modules = spec.modules.map(|m| base.join(m));
            spec
        })
        .collect())
}

/// Checks `specs` (names, files, what the images are) and makes them builds; `taken` are the
/// names the backends' stock builds already use (`backend@name`).
pub fn resolve(specs: Vec<Spec>, taken: &[String]) -> Result<Vec<(String, Build)>, UsageError> {
    let mut seen: HashSet<String> = taken.iter().cloned().collect();
    let mut builds = Vec::new();
    for spec in specs {
        let spelled = format!("{}@{}", spec.backend, spec.name);
        let fail = |why: String| UsageError(format!("build {spelled}: {why}"));
        if !BACKENDS.contains(&spec.backend.as_str()) {
            return Err(fail(format!(
                "{} takes no build of yours (these do: {})",
                spec.backend,
                BACKENDS.join(", ")
            )));
        }
        if !valid_name(&spec.name) {
            return Err(fail(
                "a build's name is letters, digits, '.', '-', '_' or '+'".into(),
            ));
        }
        if !seen.insert(spelled.clone()) {
            return Err(fail(
                "the name is taken (a stock build, or given twice)".into(),
            ));
        }
        let version = match &spec.version {
            Some(v) => Some(
                Version::parse(v)
                    .ok_or_else(|| fail(format!("version {v:?} is not MAJOR.MINOR")))?,
            ),
            None => None,
        };
        let image = std::fs::read(&spec.image)
            .map_err(|e| fail(format!("{}: {e}", spec.image.display())))?;
        match spec.backend.as_str() {
            "xen-dom0less" => check_xen(&image),
            "kvm-arm64" => check_arm64_kernel(&image),
            _ => check_x86_kernel(&image, spec.modules.as_deref()),
        }
        .map_err(|why| fail(format!("{}: {why}", spec.image.display())))?;
        let targets = spec
            .targets
            .map(|t| &*Vec::leak(t.into_iter().map(|s| &*String::leak(s)).collect()));
        builds.push((
            spec.backend.clone(),
            Build {
                name: String::leak(spec.name),
                version,
                origin: Origin::User(UserFiles {
                    image: absolute(&spec.image),
                    modules: spec.modules.as_deref().map(absolute),
                }),
                targets,
            },
        ));
    }
    Ok(builds)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// Whether `image` has the arm64 Image header (Linux's `Documentation/arch/arm64/booting.rst`;
/// Xen's Image uses the same header).
fn is_arm64_image(image: &[u8]) -> bool {
    crate::build::has_arm64_header(image)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A Xen that boots as dom0less: an arm64 Image (Xen loads nothing else from QEMU's `-kernel`)
/// that creates domUs from the device tree (`create_domUs()`'s "LOADING DOMU" message is absent
/// when `CONFIG_DOM0LESS_BOOT` is off).
pub fn check_xen(image: &[u8]) -> Result<(), String> {
    if !is_arm64_image(image) {
        return Err(
            "not an arm64 Image (no \"ARM\\x64\" magic at offset 0x38): give xen/xen, \
                    not xen-syms or xen.efi"
                .into(),
        );
    }
    if !contains(image, b"Xen version") && !contains(image, b"(XEN)") {
        return Err("an arm64 Image, but not Xen".into());
    }
    if !contains(image, b"LOADING DOMU") {
        return Err("a Xen without dom0less support (build it with CONFIG_DOM0LESS_BOOT=y)".into());
    }
    Ok(())
}

/// An arm64 kernel the VMM can use: an uncompressed Image (arch/arm64/boot/Image) with KVM
/// built in (its `kvm-arm.mode` parameter is there only with `CONFIG_KVM=y`).
pub fn check_arm64_kernel(image: &[u8]) -> Result<(), String> {
    if !is_arm64_image(image) {
        return Err(
            "not an uncompressed arm64 Image (no \"ARM\\x64\" magic at offset 0x38): \
                    give arch/arm64/boot/Image"
                .into(),
        );
    }
    if !contains(image, b"Linux version") {
        return Err("an arm64 Image, but not Linux".into());
    }
    if !contains(image, b"kvm-arm.mode") {
        return Err("a kernel without KVM (build it with CONFIG_KVM=y)".into());
    }
    Ok(())
}

/// An x86 kernel QEMU boots with `-kernel` (an ELF `vmlinux` with its PVH note, or a bzImage)
/// whose KVM for AMD is built in or among `modules`.
pub fn check_x86_kernel(image: &[u8], modules: Option<&Path>) -> Result<(), String> {
    let elf = image.starts_with(b"\x7fELF");
    let bzimage = image.get(0x202..0x206) == Some(b"HdrS");
    if elf && !has_pvh_note(image) {
        return Err(
            "a vmlinux without the PVH entry note: build it with CONFIG_PVH=y, or \
                    give the bzImage"
                .into(),
        );
    }
    if !elf && !bzimage {
        return Err("neither a vmlinux (ELF) nor a bzImage".into());
    }
    match modules {
        Some(dir) => {
            if !dir.is_dir() {
                return Err(format!("modules folder {} does not exist", dir.display()));
            }
            crate::build::amd64_kernel::kvm_modules(dir)
                .map(drop)
                .map_err(|e| format!("a kernel without KVM for AMD: {e}"))
        }
        None if elf && contains(image, b"kvm_amd.") => Ok(()),
        None if elf => Err("KVM for AMD is not built in: give its modules \
                            (modules=lib/modules/<release>)"
            .into()),
        None => Err(
            "a bzImage alone cannot show whether it has KVM: give its modules \
                     (modules=lib/modules/<release>) or the vmlinux"
                .into(),
        ),
    }
}

/// Whether ELF `image` carries Xen's `XEN_ELFNOTE_PHYS32_ENTRY` note (type 18), the PVH entry
/// QEMU starts a vmlinux at.
fn has_pvh_note(image: &[u8]) -> bool {
    use object::read::elf::ProgramHeader;
    let Ok(elf) = object::read::elf::ElfFile64::<object::Endianness>::parse(image) else {
        return false;
    };
    let endian = elf.endian();
    elf.elf_program_headers().iter().any(|segment| {
        let Ok(Some(mut notes)) = segment.notes(endian, image) else {
            return false;
        };
        std::iter::from_fn(|| notes.next().ok().flatten())
            .any(|n| n.name() == b"Xen" && n.n_type(endian) == 18)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm64_image(text: &[u8]) -> Vec<u8> {
        let mut image = vec![0u8; 0x40];
        let at = crate::build::ARM64_MAGIC_OFFSET;
        image[at..at + 4].copy_from_slice(crate::build::ARM64_MAGIC);
        image.extend_from_slice(text);
        image
    }

    #[test]
    fn a_flag_names_the_backend_the_build_and_its_files() {
        let spec = parse_flag("kvm-x86@next=vmlinux,modules=mods/6.13,version=6.13").unwrap();
        assert_eq!(
            (spec.backend.as_str(), spec.name.as_str()),
            ("kvm-x86", "next")
        );
        assert_eq!(spec.image, PathBuf::from("vmlinux"));
        assert_eq!(spec.modules, Some(PathBuf::from("mods/6.13")));
        assert_eq!(spec.version.as_deref(), Some("6.13"));
        for bad in [
            "xen/xen",
            "xen-dom0less=xen",
            "xen-dom0less@x=",
            "xen-dom0less@x=a,b=c",
        ] {
            assert!(parse_flag(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_xen_image_must_be_an_arm64_image_with_dom0less() {
        assert!(
            check_xen(&arm64_image(
                b"Xen version %d (XEN) *** LOADING DOMU cpus=%u"
            ))
            .is_ok()
        );
        let no_dom0less = check_xen(&arm64_image(b"Xen version %d")).unwrap_err();
        assert!(no_dom0less.contains("dom0less"), "{no_dom0less}");
        assert!(
            check_xen(b"\x7fELF xen-syms")
                .unwrap_err()
                .contains("arm64 Image")
        );
        assert!(
            check_xen(&arm64_image(b"Linux version"))
                .unwrap_err()
                .contains("not Xen")
        );
    }

    #[test]
    fn an_arm64_kernel_must_be_an_image_with_kvm() {
        assert!(check_arm64_kernel(&arm64_image(b"Linux version 6.13 kvm-arm.mode")).is_ok());
        let no_kvm = check_arm64_kernel(&arm64_image(b"Linux version 6.13")).unwrap_err();
        assert!(no_kvm.contains("without KVM"), "{no_kvm}");
        assert!(
            check_arm64_kernel(b"MZ\0\0zimg gzip")
                .unwrap_err()
                .contains("uncompressed")
        );
    }

    #[test]
    fn an_x86_bzimage_alone_cannot_show_its_kvm() {
        let mut bzimage = vec![0u8; 0x300];
        bzimage[0x202..0x206].copy_from_slice(b"HdrS");
        assert!(
            check_x86_kernel(&bzimage, None)
                .unwrap_err()
                .contains("modules")
        );
        assert!(check_x86_kernel(b"not a kernel at all", None).is_err());
        let missing = check_x86_kernel(&bzimage, Some(Path::new("/nonexistent/modules")));
        assert!(missing.unwrap_err().contains("does not exist"));
    }

    #[test]
    fn names_are_checked_and_a_stock_name_is_taken() {
        let spec = |name: &str| Spec {
            backend: "xen-dom0less".into(),
            name: name.into(),
            image: PathBuf::from("/nonexistent/xen"),
            modules: None,
            version: None,
            targets: None,
        };
        let taken = ["xen-dom0less@4.20".to_owned()];
        let err = resolve(vec![spec("4.20")], &taken).unwrap_err();
        assert!(err.0.contains("taken"), "{err}");
        assert!(resolve(vec![spec("a/b")], &taken).is_err());
        let missing = resolve(vec![spec("mine")], &taken).unwrap_err();
        assert!(missing.0.contains("/nonexistent/xen"), "{missing}");
        let mut other = spec("mine");
        other.backend = "qemu-tcg".into();
        assert!(
            resolve(vec![other], &taken)
                .unwrap_err()
                .0
                .contains("takes no build")
        );
    }
}
