//! `irqsuite export` for real: the exported gicv3 and x2apic guests boot with the plain QEMU
//! command line their README gives (no backend involved), the console captured to a file is
//! judged by `irqsuite judge`, and every case gets the outcome `irqsuite run --backend qemu-tcg`
//! gives that target (the recorded run's under `IRQSUITE_RECORDED`, else one made now).
//! Ignored where QEMU is missing; failed instead when `IRQSUITE_REQUIRE=1` (CI).

mod e2e;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use irqsuite::report::recorded;
use libtest_mimic::Failed;

/// How long one exported guest may take to run the catalogue under QEMU.
const BOOT_LIMIT: Duration = Duration::from_secs(300);

fn irqsuite(args: &[&str]) -> Result<std::process::Output, Failed> {
    Ok(Command::new(env!("CARGO_BIN_EXE_irqsuite"))
        .args(args)
        .output()?)
}

/// `case id -> outcome` of a JSON report's first run.
fn outcomes(json: &Path) -> Result<BTreeMap<String, String>, Failed> {
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(json)?)?;
    let cases = doc["runs"][0]["cases"].as_array().ok_or("no cases")?;
    Ok(cases
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or("?").to_owned(),
                c["outcome"].as_str().unwrap_or("?").to_owned(),
            )
        })
        .collect())
}

/// The committed baseline of qemu-tcg, which both the run and the judge apply.
fn baseline() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../results/baselines/qemu-tcg.toml")
}

/// What `irqsuite run --backend qemu-tcg` gives `target`, case by case.
fn backend_outcomes(target: &str, dir: &Path) -> Result<BTreeMap<String, String>, Failed> {
    if let Some(recorded) = recorded::folder_from_env() {
        let run = recorded::read_target(&recorded, "qemu-tcg", target)?;
        return Ok(run.cases.into_iter().map(|c| (c.id, c.outcome)).collect());
    }
    let json = dir.join("run.json");
    let baseline = baseline();
    let results = dir.join("results");
    irqsuite(&[
        "run",
        "--backend",
        "qemu-tcg",
        "--target",
        target,
        "--baseline",
        baseline.to_str().ok_or("path")?,
        "--results",
        results.to_str().ok_or("path")?,
        "--json",
        json.to_str().ok_or("path")?,
    ])?;
    outcomes(&json)
}

/// Runs `line` (a shell command) in `dir` with its output to `log`, within [`BOOT_LIMIT`].
fn boot(line: &str, dir: &Path, log: &Path) -> Result<(), Failed> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(log)?)
        .stderr(Stdio::null())
        .spawn()?;
    let start = Instant::now();
    while child.try_wait()?.is_none() {
        if start.elapsed() > BOOT_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the exported guest ran past {} s", BOOT_LIMIT.as_secs()).into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

fn export_boot_judge(target: &str) -> Result<(), Failed> {
    let dir = std::env::temp_dir().join(format!("irqsuite-export-{target}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.join("bundle");
    let exported = irqsuite(&[
        "export",
        "--target",
        target,
        "--out",
        out.to_str().ok_or("path")?,
    ])?;
    if !exported.status.success() {
        return Err(format!(
            "export failed: {}",
            String::from_utf8_lossy(&exported.stderr)
        )
        .into());
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json"))?)?;
    let line = manifest["qemu"]
        .as_str()
        .ok_or("no qemu line in the manifest")?;
    let readme = std::fs::read_to_string(out.join("README.md"))?;
    if !readme.contains(line) {
        return Err("the README does not give the manifest's QEMU command line".into());
    }
    let log = dir.join("console.log");
    boot(line, &out, &log)?;
    let json = dir.join("judged.json");
    let baseline = baseline();
    irqsuite(&[
        "judge",
        log.to_str().ok_or("path")?,
        "--backend",
        "qemu-tcg",
        "--target",
        target,
        "--baseline",
        baseline.to_str().ok_or("path")?,
        "--json",
        json.to_str().ok_or("path")?,
    ])?;
    let judged = outcomes(&json)?;
    let run = backend_outcomes(target, &dir)?;
    std::fs::remove_dir_all(&dir)?;
    if judged.len() != irq_cases::CATALOGUE.len() {
        return Err(format!("{} cases judged from the log", judged.len()).into());
    }
    let differ: Vec<String> = run
        .iter()
        .filter(|(id, o)| judged.get(*id) != Some(*o))
        .map(|(id, o)| format!("{id}: run {o}, judged {:?}", judged.get(id)))
        .collect();
    match differ.is_empty() {
        true => Ok(()),
        false => Err(format!("judged log and run differ:\n{}", differ.join("\n")).into()),
    }
}

fn gicv3() -> Result<(), Failed> {
    export_boot_judge("gicv3")
}

fn x2apic() -> Result<(), Failed> {
    export_boot_judge("x2apic")
}

fn main() {
    e2e::main_with(
        "qemu-tcg",
        &[
            ("export/gicv3-booted-by-its-readme-judges-as-the-run", gicv3),
            (
                "export/x2apic-booted-by-its-readme-judges-as-the-run",
                x2apic,
            ),
        ],
    )
}
