//! irqsuite's build glue (`cargo xtask <command>`).
//!
//! `cargo xtask test` is the one command that sets up a fresh machine and runs every test: it
//! installs what the backends need (`irqsuite setup --backend all`: QEMU and dtc from the
//! distribution, every build of every backend: Debian's arm64 Xen 4.17 and 4.20 unpacked into
//! `target/xen/<build>/`, Xen's new VGIC cross-built from Debian's source, the arm64 and amd64
//! kernels of Linux 6.1 and 6.12; the bare-metal Rust targets, the guest images, Chromium for the
//! matrix's HTML check), checks formatting and lints, runs the
//! catalogue on every backend this machine can run (each target booted once, its results
//! written to `results/`), writes the matrix, and runs the workspace's tests with backends
//! required (a missing QEMU fails instead of skipping). The catalogue harness and the
//! backends' end-to-end tests judge the results that run recorded (`IRQSUITE_RECORDED`)
//! rather than booting every target again: one boot per target per CI run.

mod tidy;

use std::process::ExitCode;

use xshell::{Shell, cmd};

const USAGE: &str = "usage: cargo xtask test   (set up, then run every test)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["test"] => test(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn test() -> Result<(), xshell::Error> {
    let sh = Shell::new()?;
    sh.change_dir(env!("CARGO_MANIFEST_DIR"));
    sh.change_dir("..");
    let step = |what: &str| eprintln!("\n== xtask test: {what}");

    step("set up every backend (idempotent)");
    cmd!(
        sh,
        "cargo run --release --quiet -p host-runner -- setup --backend all"
    )
    .run()?;

    step("format and lints");
    cmd!(sh, "cargo fmt --all --check").run()?;
    cmd!(
        sh,
        "cargo clippy --workspace --all-targets --quiet -- -D warnings"
    )
    .run()?;
    {
        let _guest = sh.push_dir("guest-tests/aarch64");
        cmd!(sh, "cargo fmt --check").run()?;
        cmd!(
            sh,
            "cargo clippy --release --quiet --target aarch64-unknown-none -- -D warnings"
        )
        .env("CARGO_TARGET_DIR", "../../target/guest-aarch64")
        .run()?;
    }
    {
        let _guest = sh.push_dir("guest-tests/x86_64");
        cmd!(sh, "cargo fmt --check").run()?;
        cmd!(
            sh,
            "cargo clippy --release --quiet --target x86_64-unknown-none -- -D warnings"
        )
        .env("CARGO_TARGET_DIR", "../../target/guest-x86_64")
        .run()?;
    }

    {
        let _refvisor = sh.push_dir("host-runner/refvisor");
        cmd!(sh, "cargo fmt --check").run()?;
        cmd!(
            sh,
            "cargo clippy --release --quiet --target aarch64-unknown-none -- -D warnings"
        )
        .env("CARGO_TARGET_DIR", "../../target/refvisor")
        .run()?;
    }

    // The VMM's KVM code is per architecture: lint it on both, as built (static musl).
    cmd!(
        sh,
        "cargo clippy -p irqsuite-vmm --release --quiet --target aarch64-unknown-linux-musl -- -D warnings"
    )
    .env("CARGO_TARGET_DIR", "target/vmm")
    .run()?;
    cmd!(
        sh,
        "cargo clippy -p irqsuite-vmm --release --quiet --target x86_64-unknown-linux-musl -- -D warnings"
    )
    .env("CARGO_TARGET_DIR", "target/vmm")
    .run()?;

    step("the catalogue on every backend this machine can run, each target booted once");
    let baselines = [
        "--baseline",
        "results/baselines/qemu-tcg.toml",
        "--baseline",
        "results/baselines/xen-dom0less.toml",
        "--baseline",
        "results/baselines/kvm-arm64.toml",
        "--baseline",
        "results/baselines/kvm-x86.toml",
        "--baseline",
        "results/baselines/refvisor.toml",
    ];
    // A failing case fails this step, after the tests (which name it) have run.
    let catalogue = cmd!(
        sh,
        "cargo run --release --quiet -p host-runner -- run --backend all --require {baselines...}"
    )
    .run();
    step("the matrix of every committed result");
    cmd!(sh, "cargo run --release --quiet -p host-runner -- matrix").run()?;

    step("workspace tests (backends required; the catalogue judged from the run above)");
    let recorded = sh.current_dir().join("results");
    cmd!(sh, "cargo test --workspace --release")
        .env("IRQSUITE_REQUIRE", "1")
        .env("IRQSUITE_RECORDED", recorded)
        .run()?;
    catalogue?;
    Ok(())
}
