//! From traces to outcomes (DESIGN.md, "Outcomes"): the reference backend judges the model's own
//! trace; a real target's trace is judged by its own checks and then replayed through the model
//! in lockstep.

use guest_kit::{Case, Observation, Outcome, TargetInfo};

pub mod log;

use crate::events::RunEvent;
use crate::observed::Observed;
use crate::replay::{Recorder, lockstep, run_case};
use crate::traced::{CaseTrace, PrintedCase, Traced, Unfinished};
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

/// The judging stage every run's events pass through: a traced case becomes its result, any
/// other event passes unchanged.
pub fn stage(event: RunEvent) -> RunEvent {
    match event {
        RunEvent::CaseTraced { name, trace } => RunEvent::CaseFinished {
            name,
            result: Box::new(self::trace(*trace)),
        },
        other => other,
    }
}

/// Judges one case a boot loop (or a captured log) traced: the one judging stage of every
/// backend that reports on a console, and of `irqsuite judge`.
pub fn trace(trace: CaseTrace) -> CaseResult {
    match trace {
        CaseTrace::Printed {
            case,
            info,
            unfinished,
            properties,
        } => {
            let mut result = printed(&case, info, unfinished.as_ref());
            result.properties = properties;
            result
        }
        CaseTrace::NotRun {
            index,
            why,
            console_tail,
        } => CaseResult::bare(
            irq_cases::CATALOGUE[index].id,
            Outcome::Error,
            why.clone(),
            Evidence::Incomplete { why, console_tail },
        ),
    }
}

/// Judges what a target printed for its case, with the machine shaped like `info` (its `cfg`
/// record; none: the guest started a case before reporting its configuration, an error), and
/// `end` saying why the case did not finish, when it did not.
pub fn printed(
    printed: &PrintedCase,
    info: Option<TargetInfo>,
    end: Option<&Unfinished>,
) -> CaseResult {
    let case = &irq_cases::CATALOGUE[printed.index];
    match info {
        Some(info) => on_target(case, info, printed, end),
        None => CaseResult::bare(
            case.id,
            Outcome::Error,
            "the guest started a case before reporting its configuration",
            Evidence::Incomplete {
                why: "no cfg record".into(),
                console_tail: vec![],
            },
        ),
    }
}

/// Judges what a target printed for `case`, with the machine shaped like `info`.
pub fn on_target(
    case: &Case,
    info: TargetInfo,
    printed: &PrintedCase,
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
    let target: Vec<Observation<'_>> = printed.trace.iter().map(Traced::observation).collect();
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
    let (replay, adopted) = lockstep(case, info, target);
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
        let reason = match window_at(target, d.index, &d.target, &d.model) {
            Some(window) => format!("{reason} ({window})"),
            None => reason,
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
    let mut differences: Vec<ImplDifference> = replay
        .impl_choices
        .iter()
        .map(|c| ImplDifference {
            label: c.label.to_owned(),
            target: format!("{:#x}", c.target),
            model: format!("{:#x}", c.model),
        })
        .collect();
    differences.extend(adopted.into_iter().map(|a| ImplDifference {
        label: a.label.to_owned(),
        target: a.target,
        model: a.model,
    }));
    // A value read again and again (a sweep reads one register dozens of times) is one
    // difference, said once.
    let mut seen = std::collections::HashSet::new();
    differences.retain(|d| seen.insert((d.label.clone(), d.target.clone(), d.model.clone())));
    if differences.is_empty() {
        return CaseResult::bare(case.id, Outcome::Pass, "", Evidence::None);
    }
    let reason = diverge_reason(&differences);
    CaseResult::bare(
        case.id,
        Outcome::Diverge,
        reason,
        Evidence::ImplDefined { differences },
    )
}

/// The reason of a `diverge`: each label's first difference, and how many other values the
/// same label took (the evidence keeps them all).
fn diverge_reason(differences: &[ImplDifference]) -> String {
    let mut labels: Vec<(&ImplDifference, usize)> = Vec::new();
    for d in differences {
        match labels.iter_mut().find(|(first, _)| first.label == d.label) {
            Some((_, others)) => *others += 1,
            None => labels.push((d, 0)),
        }
    }
    labels
        .iter()
        .map(|(d, others)| {
            let more = match others {
                0 => String::new(),
                1 => " and 1 other value".to_owned(),
                n => format!(" and {n} other values"),
            };
            format!("{} = {} (model {}){more}", d.label, d.target, d.model)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which interrupt window a divergence at `index` is in, when either side's observation there
/// is a window's (`vec`, `novec`): `interrupt window <n> on CPU <c>`, counting the windows of
/// the trace before it from 1. A window is a `novec`, or a run of `vec`s (two windows in a row
/// that both took vectors count as one).
fn window_at(
    target: &[Observation<'_>],
    index: usize,
    t: &Option<Observation<'_>>,
    m: &Option<Observation<'_>>,
) -> Option<String> {
    let is_window = |o: &Option<Observation<'_>>| {
        matches!(o, Some(Observation::Vector(_) | Observation::NoVector))
    };
    if !is_window(t) && !is_window(m) {
        return None;
    }
    let before = &target[..index.min(target.len())];
    let (mut windows, mut cpu, mut in_window) = (0, 0, false);
    for o in before {
        match o {
            Observation::Vector(_) if in_window => {}
            Observation::Vector(_) => (windows, in_window) = (windows + 1, true),
            Observation::NoVector => (windows, in_window) = (windows + 1, false),
            Observation::Cpu { cpu: c } => (cpu, in_window) = (*c, false),
            _ => in_window = false,
        }
    }
    let continues = in_window && matches!(t, Some(Observation::Vector(_)));
    let n = if continues { windows } else { windows + 1 };
    Some(format!("interrupt window {n} on CPU {cpu}"))
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

#[cfg(test)]
mod tests;
