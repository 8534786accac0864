//! From traces to outcomes (DESIGN.md, "Outcomes"): the reference backend judges the model's own
//! trace; a real target's trace is judged by its own checks and then replayed through the model
//! in lockstep.

use guest_kit::protocol::{Record, decode_line};
use guest_kit::{Case, Observation, Outcome, TargetInfo};

use crate::observed::Observed;
use crate::replay::{Recorder, Replay, run_case};
use crate::session::TargetCase;
use crate::verdict::{CaseResult, Evidence, ImplDifference};

/// Runs `case` on the reference model shaped like `info` and judges its trace.
pub fn on_model(case: &Case, info: TargetInfo) -> CaseResult {
    if let Some(reason) = case.needs.unmet(&info) {
        return CaseResult::bare(case.id, Outcome::Skip, reason, Evidence::None);
    }
    let mut rec = Recorder::default();
    run_case(case, info, &mut rec);
    let observations = rec.observations.iter().map(Observed::from).collect();
    let mut result = match (rec.skipped, first_failed_check(&rec.observations)) {
        (Some(reason), _) => CaseResult::bare(case.id, Outcome::Skip, reason, Evidence::None),
        (None, Some(check)) => failed_check(case, check),
        (None, None) => CaseResult::bare(case.id, Outcome::Pass, "", Evidence::None),
    };
    result.observations = observations;
    result
}

/// Why a target case did not finish, when it did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unfinished {
    /// What happened (a hang past the timeout, the machine exiting).
    pub why: String,
    /// The last console lines.
    pub console_tail: Vec<String>,
}

/// Judges what a target printed for `case`, with the machine shaped like `info`.
pub fn on_target(
    case: &Case,
    info: TargetInfo,
    printed: &TargetCase,
    end: Option<&Unfinished>,
) -> CaseResult {
    let incomplete = |why: String, tail: Vec<String>| {
        CaseResult::bare(
            case.id,
            Outcome::Error,
            why.clone(),
            Evidence::Incomplete {
                why,
                console_tail: tail,
            },
        )
    };
    if let Some(damage) = &printed.damage {
        let tail = end.map(|e| e.console_tail.clone()).unwrap_or_default();
        return incomplete(format!("garbled report: {damage}"), tail);
    }
    if !printed.ended {
        let (why, tail) = match end {
            Some(e) => (e.why.clone(), e.console_tail.clone()),
            None => ("the case has no end record".to_owned(), vec![]),
        };
        return incomplete(format!("case did not finish: {why}"), tail);
    }
    if let Some(reason) = &printed.skip {
        return CaseResult::bare(case.id, Outcome::Skip, reason.clone(), Evidence::None);
    }
    let target: Vec<Observation<'_>> =
        match printed.records.iter().map(|l| observation(l)).collect() {
            Some(obs) => obs,
            None => return incomplete("an observation record no longer decodes".into(), vec![]),
        };
    let observations: Vec<Observed> = target.iter().map(Observed::from).collect();
    let mut result = judge_trace(case, info, &target);
    result.observations = observations;
    result
}

fn judge_trace(case: &Case, info: TargetInfo, target: &[Observation<'_>]) -> CaseResult {
    if let Some(exc) = target.iter().find(|o| {
        matches!(
            o,
            Observation::Exception { .. }
                | Observation::X86Exception { .. }
                | Observation::CpuOffline { .. }
        )
    }) {
        let exception = Observed::from(exc);
        return CaseResult::bare(
            case.id,
            Outcome::Error,
            match exception {
                Observed::CpuOffline { .. } => exception.to_string(),
                _ => format!("unexpected {exception}"),
            },
            Evidence::Exception { exception },
        );
    }
    if let Some(check) = first_failed_check(target) {
        return failed_check(case, check);
    }
    let mut replay = Replay::new(target);
    run_case(case, info, &mut replay);
    replay.finish();
    if let Some(d) = replay.divergence {
        let (t, m) = (
            d.target.as_ref().map(Observed::from),
            d.model.as_ref().map(Observed::from),
        );
        let reason = match (&t, &m) {
            (Some(t), Some(m)) => format!("observation {}: target {t}; model {m}", d.index),
            (Some(t), None) => format!(
                "observation {}: target {t}; the model's trace ends",
                d.index
            ),
            (None, Some(m)) => format!(
                "observation {}: the target's trace ends; model {m}",
                d.index
            ),
            (None, None) => format!("observation {}", d.index),
        };
        return CaseResult::bare(
            case.id,
            Outcome::Fail,
            reason,
            Evidence::Divergence {
                index: d.index,
                target: t,
                model: m,
            },
        );
    }
    if replay.impl_choices.is_empty() {
        return CaseResult::bare(case.id, Outcome::Pass, "", Evidence::None);
    }
    let differences: Vec<ImplDifference> = replay
        .impl_choices
        .iter()
        .map(|c| ImplDifference {
            label: c.label.to_owned(),
            target: format!("{:#x}", c.target),
            model: format!("{:#x}", c.model),
        })
        .collect();
    let reason = differences
        .iter()
        .map(|d| format!("{} = {} (model {})", d.label, d.target, d.model))
        .collect::<Vec<_>>()
        .join(", ");
    CaseResult::bare(
        case.id,
        Outcome::Diverge,
        reason,
        Evidence::ImplDefined { differences },
    )
}

fn observation(line: &str) -> Option<Observation<'_>> {
    match decode_line(line) {
        Ok(Some((_, Record::Obs(obs)))) => Some(obs),
        _ => None,
    }
}

fn first_failed_check<'a, 'o>(trace: &'a [Observation<'o>]) -> Option<&'a Observation<'o>> {
    trace.iter().find(|o| o.is_failed_check())
}

fn failed_check(case: &Case, check: &Observation<'_>) -> CaseResult {
    let check = Observed::from(check);
    CaseResult::bare(
        case.id,
        Outcome::Fail,
        check.to_string(),
        Evidence::FailedCheck { check },
    )
}
