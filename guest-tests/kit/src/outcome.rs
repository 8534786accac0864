//! The outcome lattice of a case on one backend/target (DESIGN.md, "Outcomes").
//!
//! Outcomes are ordered by severity and the most severe one of a case wins, as in XTF's
//! `set_status()`: `pass < diverge < waived < skip < error < fail`.

use core::fmt;
use core::str::FromStr;

/// The outcome of one case instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Every check held and the trace matched the reference model.
    Pass,
    /// Every architectural check held; an implementation-defined value differs from the model's
    /// choice. Recorded, not a failure.
    Diverge,
    /// A failure that the baseline lists as a known divergence of this backend.
    Waived,
    /// The case could not run here (a missing requirement), with a reason.
    Skip,
    /// The case could not be judged: a guest exception, a hang, a garbled report, a backend that
    /// did not start.
    Error,
    /// A check failed or the trace departed from the reference model.
    Fail,
}

impl Outcome {
    /// Every outcome, least severe first.
    pub const ALL: [Outcome; 6] = [
        Outcome::Pass,
        Outcome::Diverge,
        Outcome::Waived,
        Outcome::Skip,
        Outcome::Error,
        Outcome::Fail,
    ];

    /// The more severe of two outcomes.
    pub fn worst(self, other: Outcome) -> Outcome {
        self.max(other)
    }

    /// Whether this outcome makes a run fail (exit status 1).
    pub fn is_failure(self) -> bool {
        matches!(self, Outcome::Fail | Outcome::Error)
    }

    /// The lower-case name used on the command line, in JSON and in JUnit properties.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Diverge => "diverge",
            Outcome::Waived => "waived",
            Outcome::Skip => "skip",
            Outcome::Error => "error",
            Outcome::Fail => "fail",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Outcome {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s).ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_severe_outcome_wins() {
        assert_eq!(Outcome::Pass.worst(Outcome::Diverge), Outcome::Diverge);
        assert_eq!(Outcome::Fail.worst(Outcome::Error), Outcome::Fail);
        assert_eq!(Outcome::Skip.worst(Outcome::Pass), Outcome::Skip);
    }

    #[test]
    fn only_fail_and_error_fail_a_run() {
        let failing: Vec<_> = Outcome::ALL
            .into_iter()
            .filter(|o| o.is_failure())
            .collect();
        assert_eq!(failing, [Outcome::Error, Outcome::Fail]);
    }

    #[test]
    fn names_round_trip() {
        for o in Outcome::ALL {
            assert_eq!(o.as_str().parse::<Outcome>(), Ok(o));
        }
    }
}
