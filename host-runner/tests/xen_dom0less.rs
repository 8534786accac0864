//! The xen-dom0less backend end to end: the `irqsuite` command boots Xen 4.17 under QEMU for
//! `gicv2` and `gicv3`, one boot per target, and every case gets the outcome pinned in the
//! snapshot (a change of outcome is a reviewed snapshot change, never silent), with the
//! committed baseline of Xen's known departures applied (they show as `waived`). The per-boot
//! device trees are gone afterwards. Ignored where Xen, dtc or QEMU is missing; failed instead
//! when `IRQSUITE_REQUIRE=1` (CI).

use std::path::PathBuf;
use std::process::{Command, Stdio};

use irqsuite::backend::{Backend, xen::XenDom0less};
use libtest_mimic::{Arguments, Failed, Trial};

const NAME: &str = "xen-dom0less/whole-catalogue-one-boot-per-target";

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("irqsuite-xen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The per-boot folders a run of process `pid` left in the backend's cache.
fn leftovers(pid: u32) -> Vec<String> {
    let tmp = irqsuite::backend::xen::cache_dir().join("tmp");
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return vec![];
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(&format!("-{pid}-")))
        .collect()
}

fn whole_catalogue_one_boot_per_target() -> Result<(), Failed> {
    let dir = scratch();
    let (json, junit) = (dir.join("run.json"), dir.join("run.xml"));
    let child = Command::new(env!("CARGO_BIN_EXE_irqsuite"))
        .args([
            "run",
            "--backend",
            "xen-dom0less",
            "--require",
            "--baseline",
        ])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../results/baselines/xen-dom0less.toml"
        ))
        .arg("--results")
        .arg(dir.join("results"))
        .arg("--json")
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let pid = child.id();
    let out = child.wait_with_output()?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!("irqsuite failed ({}):\n{stdout}", out.status).into());
    }
    let left = leftovers(pid);
    if !left.is_empty() {
        return Err(format!("temporary folders left behind: {left:?}").into());
    }
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json)?)?;
    let mut outcomes = String::new();
    for run in doc["runs"].as_array().ok_or("no runs")? {
        let target = run["target"].as_str().unwrap_or("?");
        if run["boots"] != 1 {
            return Err(format!("{target}: {} boots, expected one\n{stdout}", run["boots"]).into());
        }
        for case in run["cases"].as_array().ok_or("no cases")? {
            let (id, outcome) = (
                case["id"].as_str().unwrap_or("?"),
                case["outcome"].as_str().unwrap_or("?"),
            );
            outcomes.push_str(&format!("{target} {id} {outcome}\n"));
        }
    }
    let xml = std::fs::read_to_string(&junit)?;
    let report = quick_junit::Report::deserialize_from_str(&xml).map_err(|e| format!("{e:?}"))?;
    let cases = irq_cases::CATALOGUE.len();
    for suite in &report.test_suites {
        if suite.test_cases.len() != cases {
            return Err(format!(
                "{}: {} testcases, expected {cases}",
                suite.name.as_str(),
                suite.test_cases.len()
            )
            .into());
        }
    }
    std::fs::remove_dir_all(&dir)?;
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("xen_dom0less_outcomes", outcomes));
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let require = std::env::var("IRQSUITE_REQUIRE").is_ok_and(|v| v == "1");
    let trial = match XenDom0less.availability() {
        Ok(()) => Trial::test(NAME, whole_catalogue_one_boot_per_target),
        Err(u) if require => Trial::test(NAME, move || {
            Err(format!("{}; fix: {}", u.reason, u.fix).into())
        }),
        Err(_) => Trial::test(NAME, || Ok(())).with_ignored_flag(true),
    };
    libtest_mimic::run(&args, vec![trial]).exit();
}
