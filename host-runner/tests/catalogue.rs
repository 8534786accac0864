//! The catalogue as a libtest-mimic harness: one trial per backend/target/case instance, named
//! `backend[@build]/target/case-id`, so `cargo test`, `cargo nextest run` and
//! `cargo nextest run --partition hash:k/n` all work and nextest's JUnit matches irqsuite's.
//!
//! Under `cargo test` (one process) a booted backend runs each target once and every trial
//! reads its case from that run. Under nextest (a process per trial) each trial boots its own
//! case. A backend that cannot run here makes its trials ignored, or failed when
//! `IRQSUITE_REQUIRE=1` and the machine is of its kind (`Backend::machine`: xl is required on
//! an arm64 Xen dom0 only). Outcomes map as the `irqsuite` exit status does: `fail` and `error` fail
//! the trial; the committed baseline of the backend (`results/baselines/<backend>.toml`) turns
//! known departures into `waived`.
//!
//! With `IRQSUITE_RECORDED=<results folder>` (what `cargo xtask test` sets, right after its
//! `irqsuite run --backend all` booted every target once) each target's results are read from
//! `<folder>/<backend>[@<build>]/<target>/results.json` instead of booting it again: the same verdicts,
//! one boot per target per CI run. A target missing there fails its trials.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use guest_kit::Outcome;
use irqsuite::backend::{self, Backend, Limits, TargetSpec};
use irqsuite::baseline::Baseline;
use irqsuite::events::RunEvent;
use irqsuite::report::recorded;
use irqsuite::verdict::{CaseResult, Evidence};
use libtest_mimic::{Arguments, Failed, Trial};

type TargetResults = Arc<Result<HashMap<String, CaseResult>, String>>;

/// The results of one target, run once per process (or read from the recorded run).
fn target_results(
    backend: &'static dyn Backend,
    target: &'static TargetSpec,
    cases: &[usize],
) -> TargetResults {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<OnceLock<TargetResults>>>>> = OnceLock::new();
    let key = format!("{}/{}/{cases:?}", backend.spelled(), target.name);
    let slot = {
        let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
        Arc::clone(cache.entry(key).or_default())
    };
    Arc::clone(slot.get_or_init(|| {
        let results = match recorded::folder_from_env() {
            Some(dir) => read_recorded(&dir, backend, target),
            None => Ok(boot(backend, target, cases)),
        };
        Arc::new(results.map(|results| with_baseline(backend, target, results)))
    }))
}

/// Runs `cases` on `target`.
fn boot(
    backend: &'static dyn Backend,
    target: &'static TargetSpec,
    cases: &[usize],
) -> HashMap<String, CaseResult> {
    let results = Mutex::new(HashMap::new());
    let sink = |e: RunEvent| {
        if let RunEvent::CaseFinished { result, .. } = irqsuite::judge::stage(e) {
            results.lock().unwrap().insert(result.id.clone(), *result);
        }
    };
    backend.run(target, cases, Limits::default(), &sink);
    results.into_inner().unwrap()
}

/// The results the recorded run under `dir` has for `target`.
fn read_recorded(
    dir: &Path,
    backend: &dyn Backend,
    target: &TargetSpec,
) -> Result<HashMap<String, CaseResult>, String> {
    let run = recorded::read_target(dir, &backend.spelled(), target.name)?;
    let mut results = HashMap::new();
    for case in run.cases {
        let outcome = case
            .outcome
            .parse()
            .map_err(|()| format!("{}: unknown outcome {:?}", case.id, case.outcome))?;
        let result = CaseResult::bare(&case.id, outcome, case.reason, Evidence::None);
        results.insert(case.id, result);
    }
    Ok(results)
}

/// `results` with the committed baseline of `backend` applied (a no-op on a recorded run that
/// applied it already: only a `fail` is waived).
fn with_baseline(
    backend: &dyn Backend,
    target: &TargetSpec,
    mut results: HashMap<String, CaseResult>,
) -> HashMap<String, CaseResult> {
    let mut baseline = committed_baseline(backend.name());
    let name = backend.target_name(target);
    for result in results.values_mut() {
        baseline.apply(&name, result);
    }
    results
}

/// The committed baseline of `backend`, or an empty one.
fn committed_baseline(backend: &str) -> Baseline {
    let path = irqsuite::workspace_root().join(format!("results/baselines/{backend}.toml"));
    match path.exists() {
        true => Baseline::load(&path).unwrap_or_else(|e| panic!("{e}")),
        false => Baseline::default(),
    }
}

fn verdict(results: &TargetResults, id: &str) -> Result<(), Failed> {
    let results = results.as_ref().as_ref().map_err(|e| e.clone())?;
    match results.get(id) {
        None => Err("the backend reported no result for this case".into()),
        Some(r) if r.outcome.is_failure() => Err(format!("{}: {}", r.outcome, r.reason).into()),
        Some(r) => {
            if r.outcome != Outcome::Pass {
                println!("{}: {}", r.outcome, r.reason);
            }
            Ok(())
        }
    }
}

fn main() {
    let args = Arguments::from_args();
    let require = std::env::var("IRQSUITE_REQUIRE").is_ok_and(|v| v == "1");
    let per_case = std::env::var_os("NEXTEST").is_some();
    let all_cases: Vec<usize> = (0..irq_cases::CATALOGUE.len()).collect();
    let mut trials = Vec::new();
    for &backend in backend::all() {
        // A backend for another kind of machine (xl off a Xen host) is never required here.
        let required = require && backend.machine().is_ok();
        for target in backend.targets() {
            let available = backend
                .machine()
                .and_then(|()| backend.target_availability(target));
            for (index, case) in irq_cases::CATALOGUE.iter().enumerate() {
                let name = format!("{}/{}/{}", backend.spelled(), target.name, case.id);
                let unmet = case.needs.unmet(&target.shape);
                let cases = if per_case {
                    vec![index]
                } else {
                    all_cases.clone()
                };
                let id = case.id;
                let trial = match &available {
                    Err(u) if required => {
                        let why = format!("backend unavailable: {}; fix: {}", u.reason, u.fix);
                        Trial::test(name, move || Err(why.into()))
                    }
                    Err(_) => Trial::test(name, || Ok(())).with_ignored_flag(true),
                    Ok(()) => Trial::test(name, move || {
                        verdict(&target_results(backend, target, &cases), id)
                    })
                    .with_ignored_flag(unmet.is_some()),
                };
                trials.push(trial);
            }
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
