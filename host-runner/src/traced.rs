//! What a boot loop yields and the judge consumes (DESIGN.md, seam 6): for each case owed a
//! result, the trace the guest printed, decoded once, or why there is none. A boot loop knows
//! nothing of models; `judge` turns a [`CaseTrace`] into an outcome, whether the trace came
//! from a live console or from a log captured elsewhere.

use std::collections::BTreeMap;

use guest_kit::{Observation, TargetInfo};

/// One decoded observation that owns its label, so that it outlives the console line it was
/// decoded from; lent to the judge as an [`Observation`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Traced {
    /// The observation, with an empty label in place of its own.
    observation: Observation<'static>,
    /// Its label (empty for an observation without one).
    label: Box<str>,
}

impl Traced {
    /// Keeps `observation`.
    pub fn new(observation: &Observation<'_>) -> Traced {
        Traced {
            observation: observation.relabel(""),
            label: observation.label().unwrap_or_default().into(),
        }
    }

    /// The observation as decoded.
    pub fn observation(&self) -> Observation<'_> {
        self.observation.relabel(&self.label)
    }
}

/// What one case printed in one boot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrintedCase {
    /// Catalogue index.
    pub index: usize,
    /// The observations, in order, decoded once.
    pub trace: Vec<Traced>,
    /// The case skipped itself, with this reason.
    pub skip: Option<String>,
    /// The `end` record arrived.
    pub ended: bool,
    /// The first damage seen while the case was open.
    pub damage: Option<String>,
}

/// Why a case did not finish, when it did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unfinished {
    /// What happened (a hang past the timeout, the machine exiting, the log ending).
    pub why: String,
    /// The last console lines.
    pub console_tail: Vec<String>,
}

/// What the judge is given for one case owed a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseTrace {
    /// The case started: what it printed, on a machine shaped like `info` (its guest's `cfg`
    /// record; none when the guest started a case before reporting it).
    Printed {
        /// What it printed.
        case: PrintedCase,
        /// The machine, as the guest reported it.
        info: Option<TargetInfo>,
        /// Why it did not finish, when it did not.
        unfinished: Option<Unfinished>,
        /// What the backend's own lines said about the case (`CaseProperty`).
        properties: BTreeMap<String, String>,
    },
    /// The case never started.
    NotRun {
        /// Catalogue index.
        index: usize,
        /// Why.
        why: String,
        /// The last console lines.
        console_tail: Vec<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use guest_kit::{Site, Width};

    #[test]
    fn traced_lends_back_the_observation_it_kept_with_its_label() {
        let label = String::from("GICD_IIDR");
        let kept = [
            Observation::ImplDefined {
                label: &label,
                value: 0x43b,
            },
            Observation::Check {
                label: &label,
                got: 1,
                expected: 2,
            },
            Observation::Read {
                site: Site::Gicd(0x8),
                width: Width::B32,
                value: 0x43b,
            },
            Observation::NoVector,
        ]
        .map(|o| Traced::new(&o));
        drop(label);
        assert_eq!(
            kept[0].observation(),
            Observation::ImplDefined {
                label: "GICD_IIDR",
                value: 0x43b
            }
        );
        assert_eq!(kept[1].observation().label(), Some("GICD_IIDR"));
        assert!(kept[1].observation().is_failed_check());
        assert_eq!(kept[2].observation().label(), None);
        assert_eq!(kept[3].observation(), Observation::NoVector);
    }
}
