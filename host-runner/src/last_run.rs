//! The last run into a results folder, kept for `run --rerun-failed`: its whole-run JSON report
//! (`<results>/.last-run.json`), and the instances of it that failed or erred.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use crate::report::{RunReport, json, recorded};

/// The file, in the results folder.
pub const FILE: &str = ".last-run.json";

/// Keeps `report` as the last run into `dir`.
pub fn save(dir: &Path, report: &RunReport) -> io::Result<()> {
    crate::results::write_atomic(&dir.join(FILE), json::render(report).as_bytes())
}

/// One instance of the last run that failed or erred.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failed {
    /// `backend` or `backend@build`.
    pub backend: String,
    /// The target.
    pub target: String,
    /// The case id.
    pub case: String,
}

/// The instances of the last run into `dir` that failed or erred, in order.
pub fn failed(dir: &Path) -> Result<BTreeSet<Failed>, String> {
    let path = dir.join(FILE);
    if !path.is_file() {
        return Err(format!(
            "no last run in {} to rerun the failures of: run first",
            dir.display()
        ));
    }
    let mut failed = BTreeSet::new();
    for run in recorded::read(&path)? {
        let backend = run.backend_build();
        for case in run.cases {
            if case.failed() {
                failed.insert(Failed {
                    backend: backend.clone(),
                    target: run.target.clone(),
                    case: case.id,
                });
            }
        }
    }
    Ok(failed)
}
