//! `irqsuite matrix`: the committed results of every backend/target as one table — cases as
//! rows, backend/targets as columns, each cell the outcome with its reason (the divergence) on
//! hover — written as `matrix.md` and `matrix.html` ([`html`]) (DESIGN.md, "Command line").

mod html;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::builds::provenance::Provenance;
use crate::report::recorded::{self, RecordedRun as Run};

pub use html::html;

/// One cell: the outcome and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// `pass`, `fail`, ...
    pub outcome: String,
    /// The reason (empty for a pass).
    pub reason: String,
}

/// Every case against every backend/target found.
#[derive(Debug, Default)]
pub struct Matrix {
    /// `backend[@build]/target`, sorted.
    pub columns: Vec<String>,
    /// What produced each column's results (its build, what the hypervisor printed, QEMU).
    pub provenance: Vec<Provenance>,
    /// Case ids, in catalogue order (ids the catalogue no longer has come last).
    pub rows: Vec<String>,
    /// (row, column) -> cell.
    pub cells: BTreeMap<(usize, usize), Cell>,
}

/// Reads every `<backend>/<target>/results.json` under `dir`. A file that is not a schema-1
/// report is an error naming it; nothing is written then.
pub fn load(dir: &Path) -> Result<Matrix, String> {
    let runs = recorded::read_folder(dir)?;
    if runs.is_empty() {
        return Err(format!(
            "{} holds no results (<backend>/<target>/results.json): nothing to tabulate",
            dir.display()
        ));
    }
    Ok(build(runs))
}

fn build(runs: Vec<Run>) -> Matrix {
    let mut columns: Vec<String> = runs
        .iter()
        .map(|r| format!("{}/{}", r.backend_build(), r.target))
        .collect();
    columns.sort();
    columns.dedup();
    let position = |id: &str| irq_cases::find(id).map_or(usize::MAX, |(i, _)| i);
    let mut rows: Vec<String> = runs
        .iter()
        .flat_map(|r| r.cases.iter().map(|c| c.id.clone()))
        .collect();
    rows.sort_by(|a, b| position(a).cmp(&position(b)).then(a.cmp(b)));
    rows.dedup();
    let mut cells = BTreeMap::new();
    let mut provenance = vec![Provenance::default(); columns.len()];
    for run in runs {
        let column = format!("{}/{}", run.backend_build(), run.target);
        let col = columns.iter().position(|c| *c == column).unwrap_or(0);
        provenance[col] = run.provenance;
        for case in run.cases {
            let row = rows.iter().position(|r| *r == case.id).unwrap_or(0);
            cells.insert(
                (row, col),
                Cell {
                    outcome: case.outcome,
                    reason: case.reason,
                },
            );
        }
    }
    Matrix {
        columns,
        provenance,
        rows,
        cells,
    }
}

/// What the hypervisor of a column printed, shortened for a header (`Xen version 4.20.3`,
/// `Linux 6.12.43+deb13-amd64`): its first three words.
pub fn printed_short(p: &Provenance) -> Option<String> {
    let printed = p.hypervisor.as_deref()?;
    Some(
        printed
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// How many of the catalogue's cases column `col` has results for: `283`, or `partial: 12 of
/// 283` for a column whose last results came from a run of part of the catalogue.
fn coverage(m: &Matrix, col: usize) -> String {
    let have = m.cells.keys().filter(|(_, c)| *c == col).count();
    let all = irq_cases::CATALOGUE.len();
    match have >= all {
        true => have.to_string(),
        false => format!("partial: {have} of {all}"),
    }
}

/// One line of the provenance table per column: column, cases, build and where it came from,
/// what the hypervisor printed, QEMU, irqsuite.
fn provenance_rows(m: &Matrix) -> Vec<[String; 6]> {
    m.columns
        .iter()
        .zip(&m.provenance)
        .enumerate()
        .map(|(col, (column, p))| {
            let build = p.build.as_ref().map_or_else(String::new, |b| {
                format!(
                    "{} ({}: {}; sha256 {})",
                    b.name,
                    b.origin,
                    b.from,
                    &b.sha256[..b.sha256.len().min(16)]
                )
            });
            [
                column.clone(),
                coverage(m, col),
                build,
                p.hypervisor.clone().unwrap_or_default(),
                p.qemu.clone().unwrap_or_default(),
                p.irqsuite.clone(),
            ]
        })
        .collect()
}

/// The matrix as a Markdown table, with a count of each outcome per column.
pub fn markdown(m: &Matrix) -> String {
    let mut out = String::from("# irqsuite matrix\n\nCases as rows, backend/targets as columns. ");
    out.push_str("`matrix.html` shows each cell's reason on hover.\n\n");
    let _ = writeln!(out, "| case | {} |", m.columns.join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(m.columns.len()));
    for (r, id) in m.rows.iter().enumerate() {
        let cells: Vec<&str> = (0..m.columns.len())
            .map(|c| {
                m.cells
                    .get(&(r, c))
                    .map_or("", |cell| cell.outcome.as_str())
            })
            .collect();
        let _ = writeln!(out, "| `{id}` | {} |", cells.join(" | "));
    }
    let _ = writeln!(out, "| **totals** | {} |", totals(m).join(" | "));
    out.push_str(
        "\n## Columns\n\nWhat produced each column: the build of the hypervisor under test ",
    );
    out.push_str(
        "and where it came from, the version it printed as it booted, QEMU, irqsuite.\n\n",
    );
    out.push_str("`partial` marks a column whose results cover part of the catalogue.\n\n");
    out.push_str(
        "| column | cases | build | printed | QEMU | irqsuite |\n|---|---|---|---|---|---|\n",
    );
    for row in provenance_rows(m) {
        let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
        let _ = writeln!(out, "| `{}` | {} |", cells[0], cells[1..].join(" | "));
    }
    out
}

/// Per column, the count of each outcome (`3 pass, 1 skip`).
fn totals(m: &Matrix) -> Vec<String> {
    (0..m.columns.len())
        .map(|c| {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for cell in m
                .cells
                .iter()
                .filter(|((_, col), _)| *col == c)
                .map(|(_, cell)| cell)
            {
                *counts.entry(cell.outcome.as_str()).or_default() += 1;
            }
            counts
                .iter()
                .map(|(o, n)| format!("{n} {o}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(backend: &str, target: &str, cases: &[(&str, &str, &str)]) -> Run {
        Run {
            backend: backend.into(),
            build: None,
            target: target.into(),
            boots: 1,
            provenance: Provenance::default(),
            cases: cases
                .iter()
                .map(|(id, outcome, reason)| recorded::RecordedCase {
                    id: (*id).into(),
                    outcome: (*outcome).into(),
                    reason: (*reason).into(),
                })
                .collect(),
        }
    }

    fn sample() -> Matrix {
        build(vec![
            run(
                "xen-dom0less",
                "gicv2",
                &[("gic.sgi-self", "waived", "ISACTIVER reads <0>")],
            ),
            run(
                "reference",
                "gicv2",
                &[
                    ("gic.sgi-self", "pass", ""),
                    ("gic.typer-it-lines", "pass", ""),
                ],
            ),
        ])
    }

    #[test]
    fn rows_follow_the_catalogue_and_columns_are_sorted() {
        let m = sample();
        assert_eq!(m.columns, ["reference/gicv2", "xen-dom0less/gicv2"]);
        assert_eq!(m.rows, ["gic.typer-it-lines", "gic.sgi-self"]);
        assert_eq!(m.cells[&(1, 1)].outcome, "waived");
        assert!(
            !m.cells.contains_key(&(0, 1)),
            "a case a target did not report stays empty"
        );
    }

    #[test]
    fn markdown_has_a_row_per_case_and_totals() {
        insta::assert_snapshot!(markdown(&sample()));
    }

    #[test]
    fn html_escapes_reasons_and_shows_them_on_hover() {
        let page = html(&sample());
        assert!(page.contains("title=\"ISACTIVER reads &lt;0&gt;\""));
        assert!(page.contains("<details><summary>waived</summary>"));
        assert!(!page.contains("<0>"));
    }

    #[test]
    fn a_folder_without_results_is_an_error_not_an_empty_matrix() {
        let dir =
            std::env::temp_dir().join(format!("irqsuite-matrix-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let err = load(&dir).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(err.contains("holds no results"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_report_is_an_error_naming_it() {
        let dir = std::env::temp_dir().join(format!("irqsuite-matrix-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("b/t")).unwrap();
        std::fs::write(
            dir.join("b/t/results.json"),
            "{\"schema\": 7, \"runs\": []}",
        )
        .unwrap();
        let err = load(&dir).unwrap_err();
        assert!(err.contains("schema 7"), "{err}");
        std::fs::write(dir.join("b/t/results.json"), "not json").unwrap();
        assert!(load(&dir).unwrap_err().contains("not a results file"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
