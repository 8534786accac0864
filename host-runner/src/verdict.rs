//! The result of one case on one backend/target: its outcome, a one-line reason and the
//! evidence behind it. Results are data (DESIGN.md, seam 6): reporters format them.

use std::collections::BTreeMap;

use guest_kit::Outcome;

use serde::{Serialize, Serializer};

use crate::observed::Observed;

/// Why a case got its outcome, in a form reports can show and JSON can carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// Nothing to add (a pass).
    None,
    /// The first check that failed on the target.
    FailedCheck {
        /// The failing observation.
        check: Observed,
    },
    /// The first observation where target and model part ways.
    Divergence {
        /// Index of the observation in the case's trace.
        index: usize,
        /// What the target saw (absent: the target's trace ended there).
        target: Option<Observed>,
        /// What the model saw (absent: the model's trace ended there).
        model: Option<Observed>,
    },
    /// Implementation-defined values that differ from the model's choice.
    ImplDefined {
        /// Each differing value.
        differences: Vec<ImplDifference>,
    },
    /// The guest took an exception the case did not expect.
    Exception {
        /// The exception.
        exception: Observed,
    },
    /// The case did not finish: hang, crash, garbled output, a guest that did not boot.
    Incomplete {
        /// What went wrong.
        why: String,
        /// The last lines of the console.
        console_tail: Vec<String>,
    },
    /// The backend could not run here.
    Unavailable {
        /// Why not.
        reason: String,
        /// The command that fixes it.
        fix: String,
    },
}

/// One implementation-defined value where the target chose differently from the model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImplDifference {
    /// What the value is.
    pub label: String,
    /// The target's value.
    pub target: String,
    /// The model's value.
    pub model: String,
}

/// The result of one case instance.
#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    /// Case id.
    pub id: String,
    /// Outcome.
    #[serde(serialize_with = "outcome_name")]
    pub outcome: Outcome,
    /// One line: why this outcome.
    pub reason: String,
    /// The evidence.
    pub evidence: Evidence,
    /// Every observation of the case (the target's; the model's on the reference backend).
    pub observations: Vec<Observed>,
    /// What the backend reported about the case besides the guest's records (refvisor: its
    /// list-register trace, `lr`); absent from the JSON when empty.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

fn outcome_name<S: Serializer>(o: &Outcome, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(o.as_str())
}

impl CaseResult {
    /// A result without observations.
    pub fn bare(id: &str, outcome: Outcome, reason: impl Into<String>, evidence: Evidence) -> Self {
        CaseResult {
            id: id.to_owned(),
            outcome,
            reason: reason.into(),
            evidence,
            observations: vec![],
            properties: BTreeMap::new(),
        }
    }
}
