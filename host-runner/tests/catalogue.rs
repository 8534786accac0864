//! The catalogue as a libtest-mimic harness: one trial per backend/target/case instance, named
//! `backend/target/case-id`, so `cargo test`, `cargo nextest run` and
//! `cargo nextest run --partition hash:k/n` all work and nextest's JUnit matches irqsuite's.
//!
//! Under `cargo test` (one process) a booted backend runs each target once and every trial
//! reads its case from that run. Under nextest (a process per trial) each trial boots its own
//! case. A backend that cannot run here makes its trials ignored, or failed when
//! `IRQSUITE_REQUIRE=1` and the machine is of its kind (`Backend::machine`: xl is required on
//! an arm64 Xen dom0 only). Outcomes map as the `irqsuite` exit status does: `fail` and `error` fail
//! the trial; the committed baseline of the backend (`results/baselines/<backend>.toml`) turns
//! known departures into `waived`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use guest_kit::Outcome;
use irqsuite::backend::{self, Backend, Limits, TargetSpec};
use irqsuite::baseline::Baseline;
use irqsuite::events::{RunEvent, TargetName};
use irqsuite::verdict::CaseResult;
use libtest_mimic::{Arguments, Failed, Trial};

type TargetResults = Arc<HashMap<String, CaseResult>>;

/// The results of one target, run once per process.
fn target_results(
    backend: &'static dyn Backend,
    target: &'static TargetSpec,
    cases: &[usize],
) -> TargetResults {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<OnceLock<TargetResults>>>>> = OnceLock::new();
    let key = format!("{}/{}/{cases:?}", backend.name(), target.name);
    let slot = {
        let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
        Arc::clone(cache.entry(key).or_default())
    };
    Arc::clone(slot.get_or_init(|| {
        let results = Mutex::new(HashMap::new());
        let sink = |e: RunEvent| {
            if let RunEvent::CaseFinished { result, .. } = e {
                results.lock().unwrap().insert(result.id.clone(), *result);
            }
        };
        backend.run(target, cases, Limits::default(), &sink);
        let mut results = results.into_inner().unwrap();
        let mut baseline = committed_baseline(backend.name());
        let name = TargetName {
            backend: backend.name(),
            target: target.name,
        };
        for result in results.values_mut() {
            baseline.apply(&name, result);
        }
        Arc::new(results)
    }))
}

/// The committed baseline of `backend`, or an empty one.
fn committed_baseline(backend: &str) -> Baseline {
    let path = irqsuite::workspace_root().join(format!("results/baselines/{backend}.toml"));
    match path.exists() {
        true => Baseline::load(&path).unwrap_or_else(|e| panic!("{e}")),
        false => Baseline::default(),
    }
}

fn verdict(result: Option<&CaseResult>) -> Result<(), Failed> {
    match result {
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
                let name = format!("{}/{}/{}", backend.name(), target.name, case.id);
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
                        verdict(target_results(backend, target, &cases).get(id))
                    })
                    .with_ignored_flag(unmet.is_some()),
                };
                trials.push(trial);
            }
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
