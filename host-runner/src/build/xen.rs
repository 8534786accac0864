//! The hypervisor Image of each Xen build of the `xen-dom0less` backend, under
//! `<workspace>/target/xen/<build>/`:
//!
//! - a Debian package (`xen-hypervisor-4.17-arm64` of bookworm, `...-4.20-arm64` of trixie):
//!   fetched through a private apt state of its release and unpacked into `root/`;
//! - Debian's source package built with another configuration (Xen's new VGIC): the source of
//!   the version the index holds (never pinned) is downloaded, cross-built with
//!   `aarch64-linux-gnu-gcc` from Debian's default configuration plus the build's lines, and the
//!   Image kept in `<key>/xen`, where the key hashes the source's `.dsc` and the configuration:
//!   a build is reused until either changes (`current` names the key in use);
//! - a user's Image, used where it is.
//!
//! Each records where it came from ([`provenance::record`]) for the reports.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use super::{hex, write_atomically};
use crate::builds::provenance;
use crate::builds::{Build, Origin, Suite};
use crate::debian::{self, PrivateApt};
use crate::tools;

/// The cross compiler the source builds use (Debian's `gcc-aarch64-linux-gnu`).
pub const CROSS_GCC: &str = "aarch64-linux-gnu-gcc";

/// The Debian packages a source build needs on the host.
pub const BUILD_DEPENDS: [&str; 4] = ["gcc-aarch64-linux-gnu", "bison", "flex", "make"];

/// Where the xen-dom0less backend keeps what it fetches, builds and writes per boot.
pub fn cache_dir(workspace_root: &Path) -> PathBuf {
    workspace_root.join("target").join("xen")
}

/// The folder of build `build`.
fn build_dir(workspace_root: &Path, build: &Build) -> PathBuf {
    cache_dir(workspace_root).join(build.name)
}

/// The private apt state of `suite` (arm64).
fn apt(workspace_root: &Path, suite: Suite) -> PrivateApt {
    let dir = cache_dir(workspace_root).join(format!("apt-{}", suite.codename()));
    PrivateApt::new(&dir, suite, "arm64")
}

/// The hypervisor Image in an unpacked package: `boot/xen-<version>-arm64` (not its `.efi` or
/// `.config` siblings).
pub fn hypervisor_in(root: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(root.join("boot"))
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("xen-") && name.ends_with("-arm64")
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found.pop()
}

/// The Image of `build`, when it has been fetched or built (a user's: when it exists).
pub fn image(workspace_root: &Path, build: &Build) -> Option<PathBuf> {
    let dir = build_dir(workspace_root, build);
    match &build.origin {
        Origin::Package { .. } => hypervisor_in(&dir.join("root")),
        Origin::Source { .. } => {
            let key = fs::read_to_string(dir.join("current")).ok()?;
            let image = dir.join(key.trim()).join("xen");
            image.is_file().then_some(image)
        }
        Origin::User(files) => files.image.is_file().then(|| files.image.clone()),
    }
}

/// The Image of `build`, fetched or built first when it is not there yet; a source build is
/// checked against the index and rebuilt when the source or the configuration changed.
pub fn fetch(workspace_root: &Path, build: &Build) -> Result<PathBuf, String> {
    match &build.origin {
        Origin::Package { suite, package } => {
            if let Some(image) = image(workspace_root, build) {
                return Ok(image);
            }
            fetch_package(workspace_root, build, *suite, package)
        }
        Origin::Source {
            suite,
            package,
            config,
        } => build_from_source(workspace_root, build, *suite, package, config),
        Origin::User(files) => image(workspace_root, build)
            .ok_or_else(|| format!("{} does not exist", files.image.display())),
    }
}

fn fetch_package(
    workspace_root: &Path,
    build: &Build,
    suite: Suite,
    package: &str,
) -> Result<PathBuf, String> {
    let apt = apt(workspace_root, suite);
    apt.update()?;
    let deb = apt.download(package)?;
    let dir = build_dir(workspace_root, build);
    // Unpacked beside the final folder, then renamed: a setup that stops half-way leaves no
    // folder that looks complete.
    let unpacking = dir.join(format!(".root.{}", std::process::id()));
    let _ = fs::remove_dir_all(&unpacking);
    debian::extract(&deb, &unpacking)?;
    let from = format!(
        "{} (Debian {})",
        debian::package_version(&deb)?,
        suite.codename()
    );
    provenance::record(&unpacking, &from)?;
    let root = dir.join("root");
    let _ = fs::remove_dir_all(&root);
    fs::rename(&unpacking, &root).map_err(|e| format!("{}: {e}", root.display()))?;
    let _ = fs::remove_file(&deb);
    hypervisor_in(&root).ok_or_else(|| {
        format!(
            "{package} unpacked into {} holds no boot/xen-*-arm64",
            root.display()
        )
    })
}

/// The key of a source build: the source package's `.dsc` (which names every tarball with its
/// hash) and the configuration lines.
pub fn source_key(dsc: &[u8], config: &[&str]) -> String {
    let mut hash = Sha256::new();
    hash.update(dsc);
    for line in config {
        hash.update(line.as_bytes());
        hash.update(b"\n");
    }
    hex(&hash.finalize())[..16].to_owned()
}

fn build_from_source(
    workspace_root: &Path,
    build: &Build,
    suite: Suite,
    package: &str,
    config: &[&str],
) -> Result<PathBuf, String> {
    tools::find(CROSS_GCC).ok_or_else(|| {
        format!(
            "{CROSS_GCC} is missing; irqsuite setup (as root on Debian: apt-get install {})",
            BUILD_DEPENDS.join(" ")
        )
    })?;
    let apt = apt(workspace_root, suite);
    apt.update()?;
    let dsc = apt.source(package)?;
    let dsc_text = fs::read(&dsc).map_err(|e| format!("{}: {e}", dsc.display()))?;
    let key = source_key(&dsc_text, config);
    let dir = build_dir(workspace_root, build);
    let out = dir.join(&key);
    let image = out.join("xen");
    if !image.is_file() {
        let sources = dsc.parent().unwrap_or(Path::new("."));
        let version = dsc_field(&dsc_text, "Version").unwrap_or_default();
        let tree = dir.join(format!(".tree.{}", std::process::id()));
        let _ = fs::remove_dir_all(&tree);
        let built = cross_build(sources, &tree, config);
        let result = built.and_then(|(bytes, dot_config)| {
            let io = |e: super::BuildError| e.to_string();
            write_atomically(&out.join("config"), &dot_config).map_err(io)?;
            write_atomically(&image, &bytes).map_err(io)?;
            let from = format!(
                "{package} {version} (Debian {}'s source package) built with {}",
                suite.codename(),
                config.join(", ")
            );
            provenance::record(&out, &from)
        });
        let _ = fs::remove_dir_all(&tree);
        result?;
    }
    write_atomically(&dir.join("current"), key.as_bytes()).map_err(|e| e.to_string())?;
    Ok(image)
}

/// Whether the resolved `.config` keeps `line`: `CONFIG_X=v` as written; `# CONFIG_X is not
/// set` as no `CONFIG_X=` line (an option a dependency hides is not written at all).
fn kept(resolved: &str, line: &str) -> bool {
    match line
        .strip_prefix("# ")
        .and_then(|l| l.strip_suffix(" is not set"))
    {
        Some(option) => !resolved
            .lines()
            .any(|r| r.strip_prefix(option).is_some_and(|v| v.starts_with('='))),
        None => resolved.lines().any(|r| r == line),
    }
}

/// A field of a `.dsc` (`Version`).
fn dsc_field(dsc: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(dsc);
    let prefix = format!("{name}: ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map(|v| v.trim().to_owned())
}

/// Unpacks the upstream tarball in `sources` into `tree` and cross-builds the hypervisor with
/// Debian's default configuration plus `config`; returns the Image and the `.config` used.
fn cross_build(sources: &Path, tree: &Path, config: &[&str]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let tarball = fs::read_dir(sources)
        .map_err(|e| format!("{}: {e}", sources.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains(".orig.tar."))
        .ok_or_else(|| format!("no .orig.tar.* in {}", sources.display()))?;
    fs::create_dir_all(tree).map_err(|e| format!("{}: {e}", tree.display()))?;
    tools::output(
        Command::new("tar")
            .arg("-xf")
            .arg(&tarball)
            .arg("-C")
            .arg(tree),
    )?;
    let top = fs::read_dir(tree)
        .map_err(|e| format!("{}: {e}", tree.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join("xen").is_dir())
        .ok_or_else(|| format!("{} holds no xen/ folder", tarball.display()))?;
    let xen = top.join("xen");
    let make = |args: &[&str]| {
        let mut cmd = Command::new("make");
        cmd.current_dir(&xen)
            .args(["XEN_TARGET_ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-"])
            .args(args);
        tools::output(&mut cmd).map(drop)
    };
    make(&["defconfig"])?;
    let dot_config = xen.join(".config");
    let mut text =
        fs::read_to_string(&dot_config).map_err(|e| format!("{}: {e}", dot_config.display()))?;
    for line in config {
        text.push_str(line);
        text.push('\n');
    }
    fs::write(&dot_config, &text).map_err(|e| format!("{}: {e}", dot_config.display()))?;
    make(&["olddefconfig"])?;
    let resolved =
        fs::read_to_string(&dot_config).map_err(|e| format!("{}: {e}", dot_config.display()))?;
    if let Some(lost) = config.iter().find(|l| !kept(&resolved, l)) {
        return Err(format!(
            "the configuration does not keep {lost:?} (a dependency overrides it)"
        ));
    }
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    make(&[&format!("-j{jobs}")])?;
    let image = fs::read(xen.join("xen")).map_err(|e| format!("xen/xen: {e}"))?;
    Ok((image, resolved.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hypervisor_is_the_plain_image_among_what_the_package_unpacked() {
        let root = std::env::temp_dir().join(format!("irqsuite-xen-{}", std::process::id()));
        fs::create_dir_all(root.join("boot")).unwrap();
        for name in [
            "xen-4.17-arm64",
            "xen-4.17-arm64.efi",
            "xen-4.17-arm64.config",
        ] {
            fs::write(root.join("boot").join(name), b"").unwrap();
        }
        let found = hypervisor_in(&root);
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(found, Some(root.join("boot/xen-4.17-arm64")));
    }

    #[test]
    fn an_option_set_off_is_kept_when_the_resolved_configuration_does_not_set_it() {
        let resolved = "CONFIG_EXPERT=y\nCONFIG_NEW_VGIC=y\nCONFIG_GICV3_ESPI=y\n";
        assert!(kept(resolved, "CONFIG_NEW_VGIC=y"));
        assert!(kept(resolved, "# CONFIG_GICV3 is not set"));
        assert!(!kept("CONFIG_GICV3=y\n", "# CONFIG_GICV3 is not set"));
        assert!(!kept("# CONFIG_NEW_VGIC is not set\n", "CONFIG_NEW_VGIC=y"));
    }

    #[test]
    fn a_source_build_is_keyed_by_the_source_and_the_configuration() {
        let dsc = b"Source: xen\nVersion: 4.17.5+72-g01140da4e8-1\n";
        let new_vgic = ["CONFIG_EXPERT=y", "CONFIG_NEW_VGIC=y"];
        let key = source_key(dsc, &new_vgic);
        assert_eq!(key.len(), 16);
        assert_eq!(key, source_key(dsc, &new_vgic));
        assert_ne!(key, source_key(dsc, &new_vgic[..1]));
        assert_ne!(
            key,
            source_key(b"Source: xen\nVersion: 4.17.6-1\n", &new_vgic)
        );
        assert_eq!(
            dsc_field(dsc, "Version").as_deref(),
            Some("4.17.5+72-g01140da4e8-1")
        );
    }
}
