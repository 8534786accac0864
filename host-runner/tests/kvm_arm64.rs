//! The kvm-arm64 backend end to end: the `irqsuite` command boots Debian's arm64 kernel at EL2
//! under QEMU with the VMM as `/init`, once per target (`gicv2`, `gicv3`, `gicv3-its`), and
//! every case gets the outcome pinned in the snapshot (a change is a reviewed snapshot change),
//! with the committed baseline of KVM's known departures applied (they show as `waived`).
//! Ignored where QEMU or the kernel is missing; failed instead when `IRQSUITE_REQUIRE=1` (CI).

use std::path::PathBuf;
use std::process::Command;

use irqsuite::backend::{Backend, kvm::KvmArm64};
use libtest_mimic::{Arguments, Failed, Trial};

/// Cases whose outcome under KVM depends on timing, with why: pinned as `pass|waived`.
const TIMING_DEPENDENT: &[(&str, &str)] = &[(
    "gic.smp-spi-target-grp-disabled",
    "the pending state sits in vCPU 1's list register, visible to CPU 0 only once vCPU 1 \
     happened to exit (see results/baselines/kvm-arm64.toml)",
)];

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("irqsuite-kvm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The outcome as pinned: a timing-dependent case's `pass` and `waived` are one.
fn pinned(id: &str, outcome: &str) -> String {
    let timing = TIMING_DEPENDENT.iter().any(|(case, _)| *case == id);
    match outcome {
        "pass" | "waived" if timing => "pass|waived".into(),
        _ => outcome.into(),
    }
}

fn whole_catalogue_one_kernel_boot_per_target() -> Result<(), Failed> {
    let dir = scratch();
    let json = dir.join("run.json");
    let out = Command::new(env!("CARGO_BIN_EXE_irqsuite"))
        .args(["run", "--backend", "kvm-arm64", "--require", "--baseline"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../results/baselines/kvm-arm64.toml"
        ))
        .arg("--results")
        .arg(dir.join("results"))
        .arg("--json")
        .arg(&json)
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json)?)?;
    let mut outcomes = String::new();
    for run in doc["runs"].as_array().ok_or("no runs")? {
        let target = run["target"].as_str().unwrap_or("?");
        if run["boots"] != 1 {
            return Err(format!("{target}: {} boots, expected one\n{stdout}", run["boots"]).into());
        }
        let cases = run["cases"].as_array().ok_or("no cases")?;
        if cases.len() != irq_cases::CATALOGUE.len() {
            return Err(format!("{target}: {} cases reported", cases.len()).into());
        }
        for case in cases {
            let id = case["id"].as_str().unwrap_or("?");
            let outcome = pinned(id, case["outcome"].as_str().unwrap_or("?"));
            outcomes.push_str(&format!("{target} {id} {outcome}\n"));
        }
    }
    if !out.status.success() {
        return Err(format!("irqsuite run failed ({})\n{stdout}", out.status).into());
    }
    std::fs::remove_dir_all(&dir)?;
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("kvm_arm64_outcomes", outcomes));
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let require = std::env::var("IRQSUITE_REQUIRE").is_ok_and(|v| v == "1");
    let name = "kvm-arm64/whole-catalogue-one-kernel-boot-per-target";
    let trial = match KvmArm64.availability() {
        Ok(()) => Trial::test(name, whole_catalogue_one_kernel_boot_per_target),
        Err(u) if require => Trial::test(name, move || {
            Err(format!("{}; fix: {}", u.reason, u.fix).into())
        }),
        Err(_) => Trial::test(name, || Ok(())).with_ignored_flag(true),
    };
    libtest_mimic::run(&args, vec![trial]).exit();
}
