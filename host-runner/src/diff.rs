//! Comparing two runs (`irqsuite diff OLD NEW`): per case instance (backend, build, target,
//! case), what newly fails, what was fixed, whose failure changed its reason, and what changed
//! otherwise, for a CI job that gates on new failures only. Either side is a JSON report (`run
//! --json`) or a results folder (every `<backend>/<target>/results.json` below it), read as
//! `matrix` reads them ([`recorded`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::report::recorded;

/// One case instance: `backend[@build]/target/case`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instance(String);

impl std::fmt::Display for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What one run said of an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// `pass`, `diverge`, `waived`, `skip`, `fail` or `error`.
    pub outcome: String,
    /// Why (empty for a pass).
    pub reason: String,
}

impl Verdict {
    /// Whether it counts against the run (exit status 1).
    fn failing(&self) -> bool {
        recorded::is_failure(&self.outcome)
    }
}

/// Every instance of one run.
pub type Run = BTreeMap<Instance, Verdict>;

/// Reads a run from `path`: a JSON report, or a results folder.
pub fn read(path: &Path) -> Result<Run, String> {
    let runs = match path.is_dir() {
        true => recorded::read_folder(path)?,
        false => recorded::read(path)?,
    };
    if runs.is_empty() {
        return Err(format!("{}: no results in it", path.display()));
    }
    let mut run = Run::new();
    for target in runs {
        let backend = target.backend_build();
        for case in target.cases {
            let instance = Instance(format!("{backend}/{}/{}", target.target, case.id));
            let verdict = Verdict {
                outcome: case.outcome,
                reason: case.reason,
            };
            if run.insert(instance.clone(), verdict).is_some() {
                return Err(format!("{}: {instance} twice", path.display()));
            }
        }
    }
    Ok(run)
}

/// How a run differs from an older one.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Failing now, not before (or not there before).
    pub new_failures: Vec<(Instance, Option<Verdict>, Verdict)>,
    /// Failing before, not now.
    pub fixed: Vec<(Instance, Verdict, Verdict)>,
    /// Failing in both, for another reason.
    pub changed_reasons: Vec<(Instance, Verdict, Verdict)>,
    /// Another outcome, neither side failing (a pass that now diverges, a skip that now passes).
    pub changed: Vec<(Instance, Verdict, Verdict)>,
    /// Only in the new run, not failing.
    pub added: Vec<Instance>,
    /// Only in the old run.
    pub gone: Vec<Instance>,
}

impl Diff {
    /// Whether the new run brings a failure the old one did not have (exit status 1).
    pub fn worse(&self) -> bool {
        !self.new_failures.is_empty()
    }
}

/// Compares `new` with `old`.
pub fn diff(old: &Run, new: &Run) -> Diff {
    let mut d = Diff::default();
    for (instance, now) in new {
        let before = old.get(instance);
        match (before, now.failing()) {
            (None, true) => d.new_failures.push((instance.clone(), None, now.clone())),
            (None, false) => d.added.push(instance.clone()),
            (Some(b), true) if !b.failing() => {
                d.new_failures
                    .push((instance.clone(), Some(b.clone()), now.clone()));
            }
            (Some(b), true) if b.reason != now.reason || b.outcome != now.outcome => {
                d.changed_reasons
                    .push((instance.clone(), b.clone(), now.clone()));
            }
            (Some(b), false) if b.failing() => {
                d.fixed.push((instance.clone(), b.clone(), now.clone()));
            }
            (Some(b), false) if b.outcome != now.outcome => {
                d.changed.push((instance.clone(), b.clone(), now.clone()));
            }
            (Some(_), _) => {}
        }
    }
    d.gone = old
        .keys()
        .filter(|i| !new.contains_key(*i))
        .cloned()
        .collect();
    d
}

/// The diff as text: a section per kind of change, each line an instance with both verdicts;
/// a last line with the counts.
pub fn render(d: &Diff) -> String {
    let mut out = String::new();
    let verdict = |v: &Verdict| match v.reason.is_empty() {
        true => v.outcome.clone(),
        false => format!("{} ({})", v.outcome, v.reason),
    };
    let section = |out: &mut String, title: &str, rows: Vec<String>| {
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(out, "{title} ({}):", rows.len());
        for row in rows {
            let _ = writeln!(out, "  {row}");
        }
    };
    section(
        &mut out,
        "new failures",
        d.new_failures
            .iter()
            .map(|(i, b, n)| match b {
                Some(b) => format!("{i}: {} -> {}", b.outcome, verdict(n)),
                None => format!("{i}: (new) {}", verdict(n)),
            })
            .collect(),
    );
    section(
        &mut out,
        "fixed",
        d.fixed
            .iter()
            .map(|(i, b, n)| format!("{i}: {} -> {}", b.outcome, n.outcome))
            .collect(),
    );
    section(
        &mut out,
        "failing for another reason",
        d.changed_reasons
            .iter()
            .map(|(i, b, n)| format!("{i}: was {}; now {}", verdict(b), verdict(n)))
            .collect(),
    );
    section(
        &mut out,
        "other outcome changes",
        d.changed
            .iter()
            .map(|(i, b, n)| format!("{i}: {} -> {}", b.outcome, n.outcome))
            .collect(),
    );
    let _ = writeln!(
        out,
        "{} new failure(s), {} fixed, {} failing for another reason, {} other change(s), {} \
         instance(s) added, {} gone",
        d.new_failures.len(),
        d.fixed.len(),
        d.changed_reasons.len(),
        d.changed.len(),
        d.added.len(),
        d.gone.len()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rows: &[(&str, &str, &str)]) -> Run {
        rows.iter()
            .map(|(i, o, r)| {
                (
                    Instance((*i).to_owned()),
                    Verdict {
                        outcome: (*o).to_owned(),
                        reason: (*r).to_owned(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn a_new_failure_a_fix_and_a_changed_reason_are_each_told_apart() {
        let old = run(&[
            ("q/gicv3/a", "pass", ""),
            ("q/gicv3/b", "fail", "x"),
            ("q/gicv3/c", "fail", "x"),
            ("q/gicv3/d", "pass", ""),
            ("q/gicv3/e", "skip", "no its"),
            ("q/gicv3/gone", "pass", ""),
        ]);
        let new = run(&[
            ("q/gicv3/a", "error", "hang"),
            ("q/gicv3/b", "waived", "x (known)"),
            ("q/gicv3/c", "fail", "y"),
            ("q/gicv3/d", "diverge", "iidr"),
            ("q/gicv3/e", "skip", "no its"),
            ("q/gicv3/added", "fail", "z"),
        ]);
        let d = diff(&old, &new);
        let names = |v: &[(Instance, Option<Verdict>, Verdict)]| -> Vec<String> {
            v.iter().map(|(i, ..)| i.to_string()).collect()
        };
        assert_eq!(names(&d.new_failures), ["q/gicv3/a", "q/gicv3/added"]);
        assert_eq!(d.fixed.len(), 1);
        assert_eq!(d.fixed[0].0.to_string(), "q/gicv3/b");
        assert_eq!(d.changed_reasons.len(), 1);
        assert_eq!(d.changed[0].0.to_string(), "q/gicv3/d");
        assert_eq!(d.gone, [Instance("q/gicv3/gone".into())]);
        assert!(d.worse());
        let text = render(&d);
        assert!(
            text.contains("new failures (2):\n  q/gicv3/a: pass -> error (hang)"),
            "{text}"
        );
        assert!(
            text.contains("q/gicv3/c: was fail (x); now fail (y)"),
            "{text}"
        );
    }

    #[test]
    fn the_same_run_twice_is_no_change() {
        let r = run(&[("q/gicv3/a", "fail", "x"), ("q/gicv3/b", "pass", "")]);
        let d = diff(&r, &r);
        assert_eq!(d, Diff::default());
        assert!(!d.worse());
    }
}
