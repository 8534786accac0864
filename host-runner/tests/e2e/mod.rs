//! What every backend's end-to-end test does: run `irqsuite run --backend <b> --require` with
//! the backend's committed baseline and JSON/JUnit reports in a scratch folder, insist on one
//! boot per target and on every catalogue case being reported (in JSON and in JUnit), and pin
//! each case's outcome per target in an insta snapshot (a change of outcome is a reviewed
//! snapshot change, never silent). The test is a libtest-mimic trial that is ignored where the
//! backend cannot run here, and fails with the fixing command when `IRQSUITE_REQUIRE=1` (CI).
//!
//! With `IRQSUITE_RECORDED=<results folder>` (set by `cargo xtask test` after its `irqsuite run
//! --backend all` booted every target once) the test judges that run's reports of the backend
//! (`<folder>/<backend>/<target>/results.json` and `junit.xml`) instead of booting again.

#![allow(
    dead_code,
    reason = "each end-to-end test binary uses the part it needs"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use irqsuite::backend::Backend;
use irqsuite::baseline::Baseline;
use irqsuite::events::TargetName;
use irqsuite::report::recorded;
use libtest_mimic::{Arguments, Failed, Trial};

/// One finished `irqsuite run` of a backend.
pub struct Run {
    /// The backend.
    pub backend: String,
    /// The scratch folder (results, reports) of a run made here; removed by [`Run::pin`].
    pub scratch: Option<PathBuf>,
    /// What it printed (a recorded run: where its reports are).
    pub stdout: String,
    /// The JSON report: `runs`, one per target.
    pub doc: serde_json::Value,
    /// The results folder (`<backend>[@<build>]/<target>/` with each console log).
    pub results: PathBuf,
}

/// The whole catalogue on `backend` with its committed baseline: the recorded run's reports
/// where `IRQSUITE_RECORDED` names them, else a run made now.
pub fn run(backend: &str) -> Result<Run, Failed> {
    match recorded::folder_from_env() {
        Some(dir) => read_recorded(&dir, backend),
        None => run_now(backend),
    }
}

/// The reports of `backend`'s targets under the recorded results folder `dir`.
fn read_recorded(dir: &Path, backend: &str) -> Result<Run, Failed> {
    let mut runs = Vec::new();
    for run in recorded::read_backend_of(dir, backend)? {
        let target = dir.join(run.backend_build()).join(&run.target);
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(target.join("results.json"))?)?;
        runs.extend(doc["runs"].as_array().cloned().unwrap_or_default());
        check_junit(&target.join("junit.xml"))?;
    }
    Ok(Run {
        backend: backend.to_owned(),
        scratch: None,
        stdout: format!("(the recorded run in {})", dir.display()),
        doc: serde_json::json!({ "runs": runs }),
        results: dir.to_owned(),
    })
}

/// Runs the whole catalogue on `backend` now; an unsuccessful exit is an error carrying the
/// runner's output.
fn run_now(backend: &str) -> Result<Run, Failed> {
    let dir = std::env::temp_dir().join(format!("irqsuite-{backend}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../results/baselines")
        .join(format!("{backend}.toml"));
    let (json, junit) = (dir.join("run.json"), dir.join("run.xml"));
    let child = Command::new(env!("CARGO_BIN_EXE_irqsuite"))
        .args(["run", "--backend", backend, "--require", "--baseline"])
        .arg(&baseline)
        .arg("--results")
        .arg(dir.join("results"))
        .arg("--json")
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let Output { status, stdout, .. } = child.wait_with_output()?;
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    if !status.success() {
        return Err(format!("irqsuite run failed ({status}):\n{stdout}").into());
    }
    let doc = serde_json::from_slice(&std::fs::read(&json)?)?;
    check_junit(&junit)?;
    Ok(Run {
        backend: backend.to_owned(),
        results: dir.join("results"),
        scratch: Some(dir),
        stdout,
        doc,
    })
}

/// Every JUnit suite (one per target) has a testcase per catalogue case.
fn check_junit(junit: &Path) -> Result<(), Failed> {
    let xml = std::fs::read_to_string(junit)?;
    let report = quick_junit::Report::deserialize_from_str(&xml).map_err(|e| format!("{e:?}"))?;
    let cases = irq_cases::CATALOGUE.len();
    for suite in &report.test_suites {
        if suite.test_cases.len() != cases {
            let (name, n) = (suite.name.as_str(), suite.test_cases.len());
            return Err(format!("{name}: {n} testcases, expected {cases}").into());
        }
    }
    Ok(())
}

impl Run {
    /// The report's runs, one per target.
    pub fn runs(&self) -> Result<&Vec<serde_json::Value>, Failed> {
        Ok(self.doc["runs"].as_array().ok_or("no runs")?)
    }

    /// `<target> <case> <outcome>` per line (`<build>/<target>` for a backend with builds),
    /// after checking one boot per target and a result for every catalogue case. A case an
    /// intermittent baseline entry covers reads `intermittent` when it passed or was waived:
    /// the hypervisor's race decides which, and the snapshot must not.
    pub fn outcomes(&self) -> Result<String, Failed> {
        let baseline = committed_baseline(&self.backend)?;
        let mut outcomes = String::new();
        for run in self.runs()? {
            let build = run["build"].as_str();
            let target_name = run["target"].as_str().unwrap_or("?");
            let target = match build {
                Some(build) => format!("{build}/{target_name}"),
                None => target_name.to_owned(),
            };
            let name = target_name_of(&self.backend, build, target_name)?;
            if run["boots"] != 1 {
                let boots = &run["boots"];
                return Err(
                    format!("{target}: {boots} boots, expected one\n{}", self.stdout).into(),
                );
            }
            let cases = run["cases"].as_array().ok_or("no cases")?;
            if cases.len() != irq_cases::CATALOGUE.len() {
                return Err(format!("{target}: {} cases reported", cases.len()).into());
            }
            for case in cases {
                let id = case["id"].as_str().unwrap_or("?");
                let mut outcome = case["outcome"].as_str().unwrap_or("?");
                if matches!(outcome, "pass" | "waived") && baseline.intermittent(&name, id) {
                    outcome = "intermittent";
                }
                outcomes.push_str(&format!("{target} {id} {outcome}\n"));
            }
        }
        Ok(outcomes)
    }

    /// Each target's console log, judged by `irqsuite judge` with the backend's baseline, gives
    /// every case the outcome the run gave it.
    pub fn judged_logs_match(&self) -> Result<(), Failed> {
        let baseline = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../results/baselines")
            .join(format!("{}.toml", self.backend));
        for run in self.runs()? {
            let spelled = irqsuite::builds::spelled(&self.backend, run["build"].as_str());
            let target = run["target"].as_str().ok_or("no target")?;
            let folder = self.results.join(&spelled).join(target);
            let json = std::env::temp_dir().join(format!(
                "irqsuite-judged-{spelled}-{target}-{}.json",
                std::process::id()
            ));
            let out = Command::new(env!("CARGO_BIN_EXE_irqsuite"))
                .arg("judge")
                .arg(folder.join("console.log"))
                .args(["--backend", &spelled, "--target", target, "--baseline"])
                .arg(&baseline)
                .arg("--json")
                .arg(&json)
                .output()?;
            let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json)?)?;
            std::fs::remove_file(&json)?;
            let judged: std::collections::BTreeMap<&str, &str> = doc["runs"][0]["cases"]
                .as_array()
                .ok_or("no judged cases")?
                .iter()
                .filter_map(|c| Some((c["id"].as_str()?, c["outcome"].as_str()?)))
                .collect();
            for case in run["cases"].as_array().ok_or("no cases")? {
                let id = case["id"].as_str().unwrap_or("?");
                let outcome = case["outcome"].as_str().unwrap_or("?");
                if judged.get(id) != Some(&outcome) {
                    return Err(format!(
                        "{spelled}/{target}/{id}: run {outcome}, judged from its console {:?} ({})",
                        judged.get(id),
                        String::from_utf8_lossy(&out.stderr)
                    )
                    .into());
                }
            }
        }
        Ok(())
    }

    /// Pins the outcomes in snapshot `snapshot` and removes the scratch folder.
    pub fn pin(self, snapshot: &str) -> Result<(), Failed> {
        let outcomes = self.outcomes()?;
        if let Some(dir) = &self.scratch {
            std::fs::remove_dir_all(dir)?;
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(snapshot, outcomes));
        Ok(())
    }
}

/// The committed baseline of `backend` (empty when it has none).
fn committed_baseline(backend: &str) -> Result<Baseline, Failed> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../results/baselines")
        .join(format!("{backend}.toml"));
    match path.exists() {
        true => Ok(Baseline::load(&path).map_err(|e| e.to_string())?),
        false => Ok(Baseline::default()),
    }
}

/// The name of `target` of `backend` (at `build`) as the runner gives it.
fn target_name_of(backend: &str, build: Option<&str>, target: &str) -> Result<TargetName, Failed> {
    let spelled = irqsuite::builds::spelled(backend, build);
    let instance = irqsuite::backend::select(irqsuite::backend::all(), &spelled)
        .into_iter()
        .next()
        .ok_or_else(|| format!("no backend {spelled}"))?;
    let spec = instance
        .targets()
        .iter()
        .find(|t| t.name == target)
        .ok_or_else(|| format!("{spelled} has no target {target}"))?;
    Ok(instance.target_name(spec))
}

/// Runs `test` as trial `name` where `backend` (every build of it, for a backend with builds)
/// and every one of its targets can run; otherwise the trial is ignored, or, with
/// `IRQSUITE_REQUIRE=1` on a machine of the backend's kind ([`Backend::machine`]), fails with
/// the reason and the fixing command.
pub fn main(name: &'static str, backend: &str, test: fn() -> Result<(), Failed>) -> ! {
    main_with(backend, &[(name, test)])
}

/// A named end-to-end trial.
pub type Named = (&'static str, fn() -> Result<(), Failed>);

/// As [`main`], with several trials that need the same backend.
pub fn main_with(backend: &str, tests: &[Named]) -> ! {
    let args = Arguments::from_args();
    let require = std::env::var("IRQSUITE_REQUIRE").is_ok_and(|v| v == "1");
    let instances = irqsuite::backend::select(irqsuite::backend::all(), backend);
    let backend: &dyn Backend = *instances.first().expect("a known backend");
    // Every build and target must be able to run: the test pins them all.
    let available = instances
        .iter()
        .flat_map(|b| b.targets().iter().map(move |t| b.target_availability(t)))
        .chain(instances.iter().map(|b| b.availability()))
        .find(Result::is_err)
        .unwrap_or(Ok(()));
    let trials = tests
        .iter()
        .map(|&(name, test)| match &available {
            Ok(()) => Trial::test(name, test),
            // A backend for another kind of machine is never required here.
            Err(u) if require && backend.machine().is_ok() => {
                let why = format!("{}; fix: {}", u.reason, u.fix);
                Trial::test(name, move || Err(why.into()))
            }
            Err(_) => Trial::test(name, || Ok(())).with_ignored_flag(true),
        })
        .collect();
    libtest_mimic::run(&args, trials).exit()
}
