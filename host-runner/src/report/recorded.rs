//! Reading a results folder back: `<backend>/<target>/results.json`, the JSON report of one
//! target (schema [`SCHEMA`]). `irqsuite matrix` tabulates it; the test harnesses judge it
//! instead of booting again when `IRQSUITE_RECORDED` names the folder of a run that has just
//! booted every target (`cargo xtask test` boots each target once, then tests).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::json::SCHEMA;
use crate::builds::provenance::Provenance;

/// The environment variable naming a results folder for the harnesses to judge.
pub const ENV: &str = "IRQSUITE_RECORDED";

#[derive(Deserialize)]
struct Document {
    schema: u32,
    runs: Vec<RecordedRun>,
}

/// One target's run as the report recorded it.
#[derive(Clone, Debug, Deserialize)]
pub struct RecordedRun {
    /// The backend.
    pub backend: String,
    /// The build of the hypervisor under test, for a backend with builds.
    #[serde(default)]
    pub build: Option<String>,
    /// The target.
    pub target: String,
    /// How many times the target was booted.
    pub boots: u32,
    /// What produced the results (absent in reports of older irqsuites).
    #[serde(default)]
    pub provenance: Provenance,
    /// Every case instance, in the order run.
    pub cases: Vec<RecordedCase>,
}

/// One case instance as recorded.
#[derive(Clone, Debug, Deserialize)]
pub struct RecordedCase {
    /// Case id.
    pub id: String,
    /// `pass`, `fail`, ...
    pub outcome: String,
    /// Why (empty for a pass).
    pub reason: String,
}

/// The folder `IRQSUITE_RECORDED` names, if it is set.
pub fn folder_from_env() -> Option<PathBuf> {
    std::env::var_os(ENV).map(PathBuf::from)
}

/// The runs in one `results.json`. A file that is not a schema-[`SCHEMA`] report is an error
/// naming it.
pub fn read(path: &Path) -> Result<Vec<RecordedRun>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: Document = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a results file: {e}", path.display()))?;
    if doc.schema != SCHEMA {
        return Err(format!(
            "{}: schema {} (this irqsuite reads {SCHEMA})",
            path.display(),
            doc.schema
        ));
    }
    Ok(doc.runs)
}

/// Whether a recorded outcome (`fail`, `pass`, ...) made its run fail: the outcomes
/// [`guest_kit::Outcome::is_failure`] names; an unknown name is not one.
pub fn is_failure(outcome: &str) -> bool {
    outcome
        .parse::<guest_kit::Outcome>()
        .is_ok_and(guest_kit::Outcome::is_failure)
}

impl RecordedCase {
    /// Whether this instance made its run fail.
    pub fn failed(&self) -> bool {
        is_failure(&self.outcome)
    }
}

impl RecordedRun {
    /// `backend` or `backend@build`: its results folder and the first half of its column.
    pub fn backend_build(&self) -> String {
        crate::builds::spelled(&self.backend, self.build.as_deref())
    }
}

/// Every run under `dir` (`<backend>[@<build>]/<target>/results.json`), backends and targets in
/// name order.
pub fn read_folder(dir: &Path) -> Result<Vec<RecordedRun>, String> {
    let mut runs = Vec::new();
    for backend in sorted_dirs(dir)? {
        runs.extend(read_backend(&backend)?);
    }
    Ok(runs)
}

/// Every run of `name` under `dir` (`backend@build`: that build; a backend with builds: every
/// build's folder), targets in name order; none is an error.
pub fn read_backend_of(dir: &Path, name: &str) -> Result<Vec<RecordedRun>, String> {
    let mut runs = Vec::new();
    for folder in sorted_dirs(dir)? {
        let folder_name = folder.file_name().map(|n| n.to_string_lossy().into_owned());
        let folder_name = folder_name.unwrap_or_default();
        let of_backend = crate::builds::split(&folder_name).0 == name;
        if folder_name == name || (!name.contains('@') && of_backend) {
            runs.extend(read_backend(&folder)?);
        }
    }
    match runs.is_empty() {
        true => Err(format!("{}: no results of {name}", dir.display())),
        false => Ok(runs),
    }
}

/// The run of `backend` (or `backend@build`) / `target` under `dir`.
pub fn read_target(dir: &Path, backend: &str, target: &str) -> Result<RecordedRun, String> {
    let path = dir.join(backend).join(target).join("results.json");
    read(&path)?
        .into_iter()
        .find(|r| r.backend_build() == backend && r.target == target)
        .ok_or_else(|| format!("{}: no run of {backend}/{target}", path.display()))
}

fn read_backend(dir: &Path) -> Result<Vec<RecordedRun>, String> {
    let mut runs = Vec::new();
    for target in sorted_dirs(dir)? {
        let path = target.join("results.json");
        if path.is_file() {
            runs.extend(read(&path)?);
        }
    }
    Ok(runs)
}

/// The folders in `dir`, by name; a missing `dir` has none.
fn sorted_dirs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("irqsuite-recorded-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("qemu-tcg/gicv3")).unwrap();
        dir
    }

    const ONE_RUN: &str = r#"{"schema": 1, "runs": [{"backend": "qemu-tcg", "target": "gicv3",
        "boots": 1, "elapsed_ms": 3, "cases": [{"id": "gic.sgi-self", "outcome": "pass",
        "reason": "", "observations": []}]}]}"#;

    #[test]
    fn a_target_reads_back_with_its_boots_and_outcomes() {
        let dir = scratch("target");
        std::fs::write(dir.join("qemu-tcg/gicv3/results.json"), ONE_RUN).unwrap();
        let run = read_target(&dir, "qemu-tcg", "gicv3").unwrap();
        assert_eq!((run.boots, run.cases[0].outcome.as_str()), (1, "pass"));
        assert_eq!(read_folder(&dir).unwrap().len(), 1);
        assert_eq!(read_backend_of(&dir, "qemu-tcg").unwrap().len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_target_or_backend_is_an_error_naming_it() {
        let dir = scratch("missing");
        let err = read_target(&dir, "qemu-tcg", "gicv2").unwrap_err();
        assert!(err.contains("qemu-tcg/gicv2/results.json"), "{err}");
        let err = read_backend_of(&dir, "kvm-x86").unwrap_err();
        assert!(err.contains("no results of kvm-x86"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
