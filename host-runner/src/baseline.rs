//! Baselines of known divergences (DESIGN.md, seam 3): a `fail` that an entry describes becomes
//! `waived`, with the entry's reason and link; an entry that matches nothing any more is stale.
//!
//! ```toml
//! [[divergence]]
//! case = "gic.v3-irouter"          # case id
//! backend = "qemu-tcg"
//! target = "gicv3"                 # optional: every target of the backend
//! observed = "irm-kept"            # optional: text the failure's reason must contain
//! reason = "QEMU keeps IRM although GICD_TYPER.No1N = 1"
//! link = "https://example.org/issue/1"
//! ```

use std::path::Path;

use guest_kit::Outcome;
use serde::Deserialize;

use crate::events::TargetName;
use crate::plan::UsageError;
use crate::verdict::CaseResult;

/// One known divergence.
#[derive(Clone, Debug, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Case id.
    pub case: String,
    /// Backend name.
    pub backend: String,
    /// Target name; every target when absent.
    pub target: Option<String>,
    /// Text the failure's reason must contain (the observed value); any failure when absent.
    pub observed: Option<String>,
    /// Why this is known and accepted.
    pub reason: String,
    /// Where it is tracked.
    pub link: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    divergence: Vec<Entry>,
}

/// A loaded baseline and which of its entries matched.
#[derive(Debug, Default)]
pub struct Baseline {
    entries: Vec<Entry>,
    /// The entry's case ran on its backend/target: it can be judged.
    seen: Vec<bool>,
    /// The entry waived a failure.
    used: Vec<bool>,
}

impl Baseline {
    /// Loads `path`; a missing or malformed file is a usage error naming the problem.
    pub fn load(path: &Path) -> Result<Baseline, UsageError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| UsageError(format!("cannot read baseline {}: {e}", path.display())))?;
        Baseline::parse(&text).map_err(|e| UsageError(format!("baseline {}: {e}", path.display())))
    }

    /// Parses baseline TOML.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        for e in &file.divergence {
            if e.reason.trim().is_empty() || e.link.trim().is_empty() {
                return Err(format!("entry for {} needs a reason and a link", e.case));
            }
        }
        let used = vec![false; file.divergence.len()];
        Ok(Baseline {
            entries: file.divergence,
            seen: used.clone(),
            used,
        })
    }

    /// Adds the entries of `other`.
    pub fn merge(&mut self, other: Baseline) {
        self.entries.extend(other.entries);
        self.seen.extend(other.seen);
        self.used.extend(other.used);
    }

    /// Turns `result` into `waived` when an entry describes it.
    pub fn apply(&mut self, name: &TargetName, result: &mut CaseResult) {
        let mut hit = None;
        for (i, e) in self.entries.iter().enumerate() {
            let here = e.case == result.id
                && e.backend == name.backend
                && e.target.as_deref().is_none_or(|t| t == name.target);
            self.seen[i] |= here;
            let matches = e
                .observed
                .as_deref()
                .is_none_or(|o| result.reason.contains(o));
            if here && matches && hit.is_none() && result.outcome == Outcome::Fail {
                hit = Some(i);
            }
        }
        if let Some(i) = hit {
            self.used[i] = true;
            let e = &self.entries[i];
            result.outcome = Outcome::Waived;
            result.reason = format!("{} (known: {}; {})", result.reason, e.reason, e.link);
        }
    }

    /// Entries whose case ran on their backend/target and matched no failure: the divergence
    /// is gone or changed.
    pub fn stale(&self) -> Vec<Entry> {
        let judged = self.entries.iter().zip(self.seen.iter().zip(&self.used));
        judged
            .filter(|(_, (seen, used))| **seen && !**used)
            .map(|(e, _)| e.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Evidence;

    const TEXT: &str = r#"
        [[divergence]]
        case = "gic.v3-irouter"
        backend = "qemu-tcg"
        target = "gicv3"
        observed = "irm"
        reason = "QEMU keeps IRM"
        link = "https://example.org/1"

        [[divergence]]
        case = "gic.iidr"
        backend = "qemu-tcg"
        reason = "gone since QEMU 9"
        link = "https://example.org/2"
    "#;

    fn name(target: &'static str) -> TargetName {
        TargetName {
            backend: "qemu-tcg",
            target,
        }
    }

    fn fail(id: &str, reason: &str) -> CaseResult {
        CaseResult::bare(id, Outcome::Fail, reason, Evidence::None)
    }

    #[test]
    fn matching_failure_is_waived_with_the_known_reason() {
        let mut b = Baseline::parse(TEXT).unwrap();
        let mut r = fail(
            "gic.v3-irouter",
            "check irm-kept: got 0x80000000, expected 0x0",
        );
        b.apply(&name("gicv3"), &mut r);
        assert_eq!(r.outcome, Outcome::Waived);
        assert!(r.reason.contains("QEMU keeps IRM") && r.reason.contains("example.org/1"));
    }

    #[test]
    fn failure_on_another_target_or_with_another_value_stays_a_failure() {
        let mut b = Baseline::parse(TEXT).unwrap();
        let mut other_target = fail("gic.v3-irouter", "check irm-kept");
        b.apply(&name("gicv4"), &mut other_target);
        let mut other_value = fail("gic.v3-irouter", "check affinity-0-readback");
        b.apply(&name("gicv3"), &mut other_value);
        assert_eq!(
            (other_target.outcome, other_value.outcome),
            (Outcome::Fail, Outcome::Fail)
        );
    }

    #[test]
    fn entry_whose_case_ran_without_failing_is_stale() {
        let mut b = Baseline::parse(TEXT).unwrap();
        b.apply(&name("gicv3"), &mut fail("gic.v3-irouter", "irm"));
        let mut pass = CaseResult::bare("gic.iidr", Outcome::Pass, "", Evidence::None);
        b.apply(&name("gicv2"), &mut pass);
        let stale: Vec<_> = b.stale().into_iter().map(|e| e.case).collect();
        assert_eq!(stale, ["gic.iidr"]);
    }

    #[test]
    fn entry_whose_case_did_not_run_is_not_stale() {
        let mut b = Baseline::parse(TEXT).unwrap();
        let mut other = CaseResult::bare("gic.iidr", Outcome::Pass, "", Evidence::None);
        let elsewhere = TargetName {
            backend: "reference",
            target: "gicv3",
        };
        b.apply(&elsewhere, &mut other);
        assert!(
            b.stale().is_empty(),
            "only a run of the entry's case can judge it"
        );
    }

    #[test]
    fn passes_are_never_touched() {
        let mut b = Baseline::parse(TEXT).unwrap();
        let mut pass = CaseResult::bare("gic.v3-irouter", Outcome::Pass, "irm", Evidence::None);
        b.apply(&name("gicv3"), &mut pass);
        assert_eq!(pass.outcome, Outcome::Pass);
    }

    #[test]
    fn corrupt_baseline_is_an_error_that_says_why() {
        assert!(Baseline::parse("[[divergence]]\ncase = 3").is_err());
        assert!(
            Baseline::parse("[[divergence]]\ncase='a'\nbackend='b'\nreason=''\nlink='x'").is_err()
        );
        let unknown = Baseline::parse(
            "[[divergence]]\ncase='a'\nbackend='b'\nreason='r'\nlink='l'\nwho='me'",
        );
        assert!(unknown.unwrap_err().contains("who"));
    }
}
