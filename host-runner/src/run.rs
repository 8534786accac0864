//! Executing a plan: targets in parallel (up to `--jobs`), events funnelled to the reporters on
//! the calling thread, results written under `results/<backend>/<target>/`.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::channel;
use std::thread;
use std::time::Duration;

use guest_kit::Outcome;

use crate::backend::{Limits, Unavailable};
use crate::baseline::Baseline;
use crate::builds::provenance::BootFacts;
use crate::events::{RunEvent, TargetName};
use crate::plan::PlannedTarget;
use crate::report::{Reporter, RunReport, json, junit};
use crate::verdict::{CaseResult, Evidence};

/// How a run treats backends that cannot run here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Their cases are skipped, with the reason and the fix.
    Skip,
    /// Their cases are errors (`--require`).
    Error,
}

/// How to run a plan.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Targets at once.
    pub jobs: usize,
    /// Boot and case timeouts.
    pub limits: Limits,
    /// What a backend that cannot run here yields.
    pub missing: Missing,
}

/// Runs `plan` with up to `jobs` targets at once, waiving the failures `baseline` knows,
/// feeding every event to `reporter`, and returns the collected report.
pub fn execute(
    plan: Vec<PlannedTarget>,
    options: Options,
    baseline: &mut Baseline,
    reporter: &mut dyn Reporter,
) -> RunReport {
    let Options {
        jobs,
        limits,
        missing,
    } = options;
    let mut report = RunReport::default();
    let mut emit = |e: RunEvent| consume(e, baseline, &mut report, reporter);
    let instances = plan.iter().map(|t| t.cases.len()).sum();
    emit(RunEvent::RunStarted {
        instances,
        targets: plan.len(),
    });

    let queue = Mutex::new(boots(plan));
    let (tx, rx) = channel::<RunEvent>();
    thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            let tx = tx.clone();
            let queue = &queue;
            scope.spawn(move || {
                let sink = move |e: RunEvent| {
                    // The receiver lives until every worker is done.
                    let _ = tx.send(e);
                };
                while let Some(job) = next(queue) {
                    run_boot(job, limits, missing, &sink);
                }
            });
        }
        drop(tx);
        for event in rx {
            emit(event);
        }
    });
    report.sort();
    report.stale_baseline = baseline.stale();
    report
}

/// One event of a run: judged where it is a case's trace (the one judging stage of every run
/// and of a judged log), its failure waived where `baseline` knows it, then collected in `report`
/// and shown by `reporter`.
fn consume(
    event: RunEvent,
    baseline: &mut Baseline,
    report: &mut RunReport,
    reporter: &mut dyn Reporter,
) {
    let mut event = crate::judge::stage(event);
    if let RunEvent::CaseFinished { name, result } = &mut event {
        baseline.apply(name, result);
    }
    report.event(&event);
    reporter.event(&event);
}

/// The events of a run made elsewhere (a judged console log), consumed as [`execute`] consumes a
/// run's: the same baseline, report and reporter, so `judge` writes what `run` writes.
pub fn replay(
    events: Vec<RunEvent>,
    baseline: &mut Baseline,
    reporter: &mut dyn Reporter,
) -> RunReport {
    let mut report = RunReport::default();
    for event in events {
        consume(event, baseline, &mut report, reporter);
    }
    report.sort();
    report.stale_baseline = baseline.stale();
    report
}

/// The plan's targets grouped into boots: targets of one backend that can run here and share a
/// [`Backend::shared_boot`] key go together (in plan order); every other target alone. The
/// costliest boots go first ([`Backend::boot_cost`], summed over a boot's targets), so that the
/// last worker does not start a long boot while the others sit idle; ties keep plan order.
fn boots(plan: Vec<PlannedTarget>) -> VecDeque<Vec<PlannedTarget>> {
    let mut boots: VecDeque<Vec<PlannedTarget>> = VecDeque::new();
    for job in plan {
        let key = match job.unavailable {
            None => job.backend.shared_boot(&job.target),
            Some(_) => None,
        };
        let together = key.and_then(|key| {
            boots.iter_mut().find(|boot| {
                let first = &boot[0];
                first.backend.spelled() == job.backend.spelled()
                    && first.unavailable.is_none()
                    && first.backend.shared_boot(&first.target) == Some(key)
            })
        });
        match together {
            Some(boot) => boot.push(job),
            None => boots.push_back(vec![job]),
        }
    }
    let cost = |boot: &Vec<PlannedTarget>| -> u32 {
        boot.iter()
            .map(|job| match job.unavailable {
                None => job.backend.boot_cost(),
                Some(_) => 0,
            })
            .sum()
    };
    let mut boots: Vec<_> = boots.into();
    boots.sort_by_key(|boot| std::cmp::Reverse(cost(boot)));
    boots.into()
}

fn next(queue: &Mutex<VecDeque<Vec<PlannedTarget>>>) -> Option<Vec<PlannedTarget>> {
    queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
}

/// Runs the targets of one boot (one target, or several sharing a boot).
fn run_boot(
    mut boot: Vec<PlannedTarget>,
    limits: Limits,
    missing: Missing,
    sink: &(dyn Fn(RunEvent) + Sync),
) {
    if limits.stopped() {
        // The run is to stop: no machine boots; every case of these targets says why.
        for job in boot {
            // Judged as the boot loop's cases that never started are.
            not_started(job, sink, |index| {
                crate::judge::trace(crate::traced::CaseTrace::NotRun {
                    index,
                    why: crate::backend::console::INTERRUPTED_BEFORE.to_owned(),
                    console_tail: vec![],
                })
            });
        }
        return;
    }
    if boot.len() == 1 {
        if let Some(job) = boot.pop() {
            run_target(job, limits, missing, sink);
        }
        return;
    }
    for job in &boot {
        sink(RunEvent::TargetStarted {
            name: job.backend.target_name(&job.target),
            cases: job.cases.len(),
            provenance: Box::new(job.backend.provenance(&job.target)),
        });
    }
    let backend = boot[0].backend;
    let legs: Vec<_> = boot.into_iter().map(|j| (j.target, j.cases)).collect();
    backend.run_shared(&legs, limits, sink);
}

fn run_target(
    job: PlannedTarget,
    limits: Limits,
    missing: Missing,
    sink: &(dyn Fn(RunEvent) + Sync),
) {
    let name = job.backend.target_name(&job.target);
    sink(RunEvent::TargetStarted {
        name: name.clone(),
        cases: job.cases.len(),
        provenance: Box::new(job.backend.provenance(&job.target)),
    });
    match &job.unavailable {
        None => job.backend.run(&job.target, &job.cases, limits, sink),
        Some(u) => finish_unstarted(&name, &job.cases, sink, |index| {
            unavailable(irq_cases::CATALOGUE[index].id, u, missing)
        }),
    }
}

/// Reports target `job`, which no machine ran: started, each case (by catalogue index) as
/// `result` gives it, finished.
fn not_started(
    job: PlannedTarget,
    sink: &(dyn Fn(RunEvent) + Sync),
    result: impl Fn(usize) -> CaseResult,
) {
    let name = job.backend.target_name(&job.target);
    sink(RunEvent::TargetStarted {
        name: name.clone(),
        cases: job.cases.len(),
        provenance: Box::new(job.backend.provenance(&job.target)),
    });
    finish_unstarted(&name, &job.cases, sink, result);
}

/// Reports each of `cases` of target `name` (catalogue indices) as `result` gives it, then the
/// target finished without a boot.
fn finish_unstarted(
    name: &TargetName,
    cases: &[usize],
    sink: &(dyn Fn(RunEvent) + Sync),
    result: impl Fn(usize) -> CaseResult,
) {
    for &index in cases {
        sink(RunEvent::CaseFinished {
            name: name.clone(),
            result: Box::new(result(index)),
        });
    }
    sink(RunEvent::TargetFinished {
        name: name.clone(),
        info: None,
        boots: 0,
        elapsed: Duration::ZERO,
        console: vec![],
        facts: BootFacts::default(),
        problems: vec![],
    });
}

fn unavailable(id: &str, u: &Unavailable, missing: Missing) -> CaseResult {
    let outcome = match missing {
        Missing::Skip => Outcome::Skip,
        Missing::Error => Outcome::Error,
    };
    let reason = format!("backend unavailable: {}; fix: {}", u.reason, u.fix);
    CaseResult::bare(
        id,
        outcome,
        reason,
        Evidence::Unavailable {
            reason: u.reason.clone(),
            fix: u.fix.clone(),
        },
    )
}

/// Writes each target's `junit.xml`, `results.json` and `console.log` under
/// `dir/<backend>[@<build>]/<target>/`; a target that ran only part of the catalogue (a filter)
/// goes under `partial` instead when it is given, so that it never replaces a complete run's
/// results. Returns the targets written under `partial`.
pub fn write_results(
    report: &RunReport,
    dir: &Path,
    partial: Option<&Path>,
) -> std::io::Result<Vec<TargetName>> {
    let mut elsewhere = Vec::new();
    for t in &report.targets {
        let complete = t.cases.len() == irq_cases::CATALOGUE.len();
        let base = match partial {
            Some(partial) if !complete => {
                elsewhere.push(t.name.clone());
                partial
            }
            _ => dir,
        };
        let folder = base.join(t.name.backend_build()).join(t.name.target);
        let junit = junit::render_target(t);
        let json = json::render_target(t);
        let mut log = t.console.join("\n");
        log.push('\n');
        let mut files: Vec<(&str, &[u8])> = vec![
            ("junit.xml", junit.as_bytes()),
            ("results.json", json.as_bytes()),
        ];
        if !t.console.is_empty() {
            files.push(("console.log", log.as_bytes()));
        }
        crate::results::write_folder(&folder, &files)?;
    }
    Ok(elsewhere)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{self, Backend};

    fn planned(backend: &'static dyn Backend, target: &str) -> PlannedTarget {
        let spec = backend.targets().iter().find(|t| t.name == target).unwrap();
        PlannedTarget {
            backend,
            target: *spec,
            cases: vec![0],
            unavailable: None,
        }
    }

    #[test]
    fn the_costliest_boots_go_first_and_shared_targets_stay_together() {
        let reference = backend::by_name("reference").unwrap();
        let kvm = backend::select(backend::all(), "kvm-arm64@6.1")[0];
        let plan = vec![
            planned(reference, "gicv2"),
            planned(kvm, "gicv2"),
            planned(kvm, "gicv3"),
            planned(kvm, "gicv3-its"),
        ];
        let order: Vec<Vec<String>> = boots(plan)
            .iter()
            .map(|boot| {
                boot.iter()
                    .map(|j| j.backend.target_name(&j.target).to_string())
                    .collect()
            })
            .collect();
        assert_eq!(
            order,
            [
                vec!["kvm-arm64@6.1/gicv3", "kvm-arm64@6.1/gicv3-its"],
                vec!["kvm-arm64@6.1/gicv2"],
                vec!["reference/gicv2"],
            ]
        );
    }
}
