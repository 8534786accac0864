//! The refvisor backend end to end: the `irqsuite` command builds refvisor and boots it under
//! real QEMU for `gicv2`, `gicv2-lr1`, `gicv3` and `gicv3-lr1`, one boot per target, and every
//! case gets the outcome pinned in the snapshot (a change of outcome is a reviewed snapshot
//! change, never silent), with the committed baseline of the emulated hardware's known
//! departures applied (they show as `waived`). Every case carries refvisor's list-register
//! trace as its `lr` property; with one list register the ap_list overflows and maintenance
//! interrupts arrive. Ignored where QEMU is missing; failed instead when
//! `IRQSUITE_REQUIRE=1` (CI).

use std::path::PathBuf;
use std::process::Command;

use irqsuite::backend::{Backend, refvisor::Refvisor};
use libtest_mimic::{Arguments, Failed, Trial};

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("irqsuite-refvisor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn whole_catalogue_one_boot_per_target() -> Result<(), Failed> {
    let dir = scratch();
    let (json, junit) = (dir.join("run.json"), dir.join("run.xml"));
    let out = Command::new(env!("CARGO_BIN_EXE_irqsuite"))
        .args(["run", "--backend", "refvisor", "--require", "--baseline"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../results/baselines/refvisor.toml"
        ))
        .arg("--results")
        .arg(dir.join("results"))
        .arg("--json")
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json)?)?;
    let mut outcomes = String::new();
    for run in doc["runs"].as_array().ok_or("no runs")? {
        let target = run["target"].as_str().unwrap_or("?");
        if run["boots"] != 1 {
            return Err(format!("{target}: {} boots, expected one\n{stdout}", run["boots"]).into());
        }
        lr_trace_is_reported(run, target)?;
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
    settings.bind(|| insta::assert_snapshot!("refvisor_outcomes", outcomes));
    Ok(())
}

/// Every case of the target carries refvisor's list-register trace as its `lr` property, and
/// on a one-register target the ap_list overflowed and maintenance interrupts arrived.
fn lr_trace_is_reported(run: &serde_json::Value, target: &str) -> Result<(), Failed> {
    let traces: Vec<&str> = run["cases"]
        .as_array()
        .ok_or("no cases")?
        .iter()
        .filter_map(|c| c["properties"]["lr"].as_str())
        .collect();
    if traces.len() != irq_cases::CATALOGUE.len() {
        return Err(format!(
            "{target}: {} cases with an lr trace, expected all",
            traces.len()
        )
        .into());
    }
    let sum = |key: &str| -> u64 {
        traces
            .iter()
            .flat_map(|l| l.split_whitespace())
            .filter_map(|w| w.strip_prefix(key)?.parse::<u64>().ok())
            .sum()
    };
    if sum("flush=") == 0 {
        return Err(format!("{target}: no flush at all").into());
    }
    if target.ends_with("-lr1") && (sum("overflow=") == 0 || sum("mi=") == 0) {
        return Err(format!("{target}: one list register but no overflow or maintenance").into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let require = std::env::var("IRQSUITE_REQUIRE").is_ok_and(|v| v == "1");
    let trial = match Refvisor.availability() {
        Ok(()) => Trial::test(
            "refvisor/whole-catalogue-one-boot-per-target",
            whole_catalogue_one_boot_per_target,
        ),
        Err(u) if require => {
            Trial::test("refvisor/whole-catalogue-one-boot-per-target", move || {
                Err(format!("{}; fix: {}", u.reason, u.fix).into())
            })
        }
        Err(_) => Trial::test("refvisor/whole-catalogue-one-boot-per-target", || Ok(()))
            .with_ignored_flag(true),
    };
    libtest_mimic::run(&args, vec![trial]).exit();
}
