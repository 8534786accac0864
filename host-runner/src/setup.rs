//! `irqsuite setup`: installs what a backend needs, idempotently, or says exactly which command
//! would (when not root, or not on Debian).

use std::path::Path;
use std::process::Command;

use crate::backend::{Backend, xl};
use crate::{build, tools};

/// The deb822 source this setup adds for QEMU 10 on Debian bookworm.
const BACKPORTS_SOURCE: &str = "/etc/apt/sources.list.d/irqsuite-backports.sources";

/// Sets up `backend` (the tools of its kind, then its build); returns what it found or did.
pub fn setup(backend: &dyn Backend) -> Result<String, String> {
    let tools = setup_tools(backend.name())?;
    let build = backend.fetch_build()?;
    Ok(match build.is_empty() {
        true => tools,
        false => format!("{tools}; {build}"),
    })
}

/// Installs the tools a backend of kind `backend` needs, whatever its build.
fn setup_tools(backend: &str) -> Result<String, String> {
    match backend {
        "qemu-tcg" => {
            let qemu = ensure_qemu()?;
            let qemu_x86 = ensure_qemu_x86()?;
            ensure_rust_target("aarch64-unknown-none")?;
            ensure_rust_target(build::X86_64_TARGET)?;
            let root = crate::workspace_root();
            let image = build::aarch64_guest_image(&root).map_err(|e| e.to_string())?;
            let x86 = build::x86_64_guest_image(&root).map_err(|e| e.to_string())?;
            Ok(format!(
                "{qemu}; {qemu_x86}; guest images {} and {}",
                image.display(),
                x86.display()
            ))
        }
        "qemu-kvm" => {
            let qemu_x86 = ensure_qemu_x86()?;
            ensure_rust_target(build::X86_64_TARGET)?;
            let x86 =
                build::x86_64_guest_image(&crate::workspace_root()).map_err(|e| e.to_string())?;
            Ok(format!("{qemu_x86}; guest image {}", x86.display()))
        }
        "xen-dom0less" => {
            let qemu = ensure_qemu()?;
            ensure_packages("dtc", &["device-tree-compiler"])?;
            ensure_rust_target("aarch64-unknown-none")?;
            let image =
                build::aarch64_guest_image(&crate::workspace_root()).map_err(|e| e.to_string())?;
            Ok(format!("{qemu}; guest image {}", image.display()))
        }
        "kvm-arm64" => {
            let qemu = ensure_qemu()?;
            ensure_rust_target("aarch64-unknown-none")?;
            ensure_rust_target(build::VMM_TARGET)?;
            Ok(qemu)
        }
        "refvisor" => {
            let qemu = ensure_qemu()?;
            ensure_rust_target("aarch64-unknown-none")?;
            let root = crate::workspace_root();
            let refvisor = build::refvisor::refvisor_image(&root).map_err(|e| e.to_string())?;
            let image = build::aarch64_guest_image(&root).map_err(|e| e.to_string())?;
            Ok(format!(
                "{qemu}; refvisor {}; guest image {}",
                refvisor.display(),
                image.display()
            ))
        }
        xl::NAME => setup_xl(),
        "kvm-x86" => {
            let qemu = ensure_qemu_x86()?;
            // The kernels' payloads and modules: xz (Linux 6.1), zstd (6.12).
            ensure_packages("xz", &["xz-utils"])?;
            ensure_packages("zstd", &["zstd"])?;
            ensure_rust_target(build::X86_64_TARGET)?;
            ensure_rust_target(build::X86_VMM_TARGET)?;
            Ok(qemu)
        }
        _ => Ok("nothing to install".into()),
    }
}

/// The browser the matrix's HTML is checked in (`tests/matrix_html.rs`).
pub const CHROMIUM: &str = "chromium";

/// The command that installs it.
pub const CHROMIUM_FIX: &str = "irqsuite setup (as root on Debian: apt-get install chromium)";

/// Installs Chromium (Debian's `chromium`), which renders `matrix.html` headless in the
/// matrix's test, when it is missing; returns its version.
pub fn ensure_chromium() -> Result<String, String> {
    if tools::find(CHROMIUM).is_none() {
        if !nix::unistd::geteuid().is_root() || tools::find("apt-get").is_none() {
            return Err(format!("{CHROMIUM} is missing; {CHROMIUM_FIX}"));
        }
        run(Command::new("apt-get").args(["update", "-qq"]))?;
        run(Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .arg(CHROMIUM))?;
    }
    let out = Command::new(CHROMIUM)
        .arg("--version")
        .output()
        .map_err(|e| format!("{CHROMIUM} --version: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The xl backend installs nothing: it needs a Xen host, which no package makes of this
/// machine. On one, it builds the guest image; elsewhere it says what is missing.
fn setup_xl() -> Result<String, String> {
    match xl::host::check(&xl::host::Facts::probe()) {
        Ok(path) => {
            ensure_rust_target("aarch64-unknown-none")?;
            let image =
                build::aarch64_guest_image(&crate::workspace_root()).map_err(|e| e.to_string())?;
            Ok(format!(
                "{}; guest image {}",
                path.display(),
                image.display()
            ))
        }
        Err(u) => Ok(format!("nothing installed: {} (fix: {})", u.reason, u.fix)),
    }
}

/// Installs Debian's `packages` when `program` is missing (as root; otherwise the error says
/// the command).
pub fn ensure_packages(program: &str, packages: &[&str]) -> Result<(), String> {
    if tools::find(program).is_some() {
        return Ok(());
    }
    if !nix::unistd::geteuid().is_root() || tools::find("apt-get").is_none() {
        return Err(format!(
            "{program} is missing; as root on Debian: apt-get install {}",
            packages.join(" ")
        ));
    }
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(packages))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("{shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn os_codename() -> Option<String> {
    let text = std::fs::read_to_string("/etc/os-release").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("VERSION_CODENAME="))
        .map(|c| c.trim_matches('"').to_owned())
}

fn ensure_qemu() -> Result<String, String> {
    ensure_qemu_program("qemu-system-aarch64", "qemu-system-arm")
}

/// `qemu-system-x86_64` (Debian's `qemu-system-x86`), for qemu-tcg's x86 targets.
fn ensure_qemu_x86() -> Result<String, String> {
    ensure_qemu_program("qemu-system-x86_64", "qemu-system-x86")
}

/// Installs Debian package `package` (from bookworm-backports on bookworm, for QEMU 10) when
/// `program` is missing; returns its version line.
fn ensure_qemu_program(program: &str, package: &str) -> Result<String, String> {
    if tools::find(program).is_none() {
        install_qemu(program, package)?;
    }
    // Asked only once it is installed: the answer is kept for the process.
    crate::builds::provenance::tool_version(program)
        .ok_or_else(|| format!("{program} is installed but does not run"))
}

fn install_qemu(program: &str, package: &str) -> Result<(), String> {
    let codename = os_codename().unwrap_or_default();
    let backports = codename == "bookworm";
    let manual = if backports {
        format!(
            "add bookworm-backports to apt's sources, then apt-get install -t bookworm-backports {package}"
        )
    } else {
        format!("apt-get install {package}")
    };
    if !nix::unistd::geteuid().is_root() || tools::find("apt-get").is_none() {
        return Err(format!("{program} is missing; as root on Debian: {manual}"));
    }
    if backports && !Path::new(BACKPORTS_SOURCE).exists() {
        let source = format!(
            "Types: deb\nURIs: {}\nSuites: bookworm-backports\nComponents: main\n\
             Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n",
            crate::debian::debian_mirror()
        );
        std::fs::write(BACKPORTS_SOURCE, source)
            .map_err(|e| format!("writing {BACKPORTS_SOURCE}: {e}"))?;
    }
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    let mut install = Command::new("apt-get");
    install.env("DEBIAN_FRONTEND", "noninteractive").args([
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
    ]);
    if backports {
        install.args(["-t", "bookworm-backports"]);
    }
    run(install.arg(package))
}

fn ensure_rust_target(target: &str) -> Result<(), String> {
    let Some(rustup) = tools::find("rustup") else {
        return Ok(()); // A toolchain without rustup: cargo will say what is missing.
    };
    let out = Command::new(&rustup)
        .args(["target", "list", "--installed"])
        .current_dir(crate::workspace_root())
        .output()
        .map_err(|e| format!("rustup: {e}"))?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == target)
    {
        return Ok(());
    }
    run(Command::new(rustup)
        .args(["target", "add", target])
        .current_dir(crate::workspace_root()))
}
