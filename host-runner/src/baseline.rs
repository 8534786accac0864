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
//!
//! For a backend with builds ([`crate::builds`]) an entry can be scoped to some of them:
//! `builds = ["4.17", "4.17-new-vgic"]` (by name) and/or `versions = ">=4.17, <4.20"` (the
//! build's version; a build of unknown version is outside every range). Unscoped, it holds
//! for every build. An entry whose case ran on none of its builds is not stale: only a run of
//! the entry's case on a build it names can judge it.

use std::path::Path;

use guest_kit::Outcome;
use serde::Deserialize;

use crate::builds::{BuildTag, Version};
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
    /// The builds it holds for, by name; every build when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builds: Option<Vec<String>>,
    /// The versions of the builds it holds for (`">=4.17, <4.20"`); every version when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<String>,
    /// Text the failure's reason must contain (the observed value); any failure when absent.
    pub observed: Option<String>,
    /// The departure shows in some runs only (a race in the hypervisor, which the reason
    /// explains): a run where the case passes does not make the entry stale.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub intermittent: bool,
    /// Why this is known and accepted.
    pub reason: String,
    /// Where it is tracked.
    pub link: String,
}

impl Entry {
    /// Whether the entry is about case `case` on target `name` (its backend, build and target).
    fn covers(&self, name: &TargetName, case: &str) -> bool {
        self.case == case
            && self.backend == name.backend
            && self.target.as_deref().is_none_or(|t| t == name.target)
            && self.holds_for(name.build)
    }

    /// Whether the entry's scope takes in `build` (a backend without builds: only unscoped
    /// entries).
    fn holds_for(&self, build: Option<BuildTag>) -> bool {
        let named = self
            .builds
            .as_ref()
            .is_none_or(|names| build.is_some_and(|b| names.iter().any(|n| n == b.name)));
        let in_range = self.versions.as_deref().is_none_or(|range| {
            let version = build.and_then(|b| b.version);
            VersionRange::parse(range).is_ok_and(|r| version.is_some_and(|v| r.contains(v)))
        });
        named && in_range
    }
}

/// `">=4.17, <4.20"`: versions that satisfy every comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRange(Vec<(Comparison, Version)>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Comparison {
    Less,
    AtMost,
    Equal,
    AtLeast,
    Greater,
}

impl VersionRange {
    /// Parses comparisons (`<`, `<=`, `=`, `>=`, `>`, each with `MAJOR.MINOR[.PATCH]`)
    /// separated by commas.
    pub fn parse(text: &str) -> Result<VersionRange, String> {
        let mut all = Vec::new();
        for clause in text.split(',').map(str::trim) {
            let (op, rest) = [
                ("<=", Comparison::AtMost),
                (">=", Comparison::AtLeast),
                ("<", Comparison::Less),
                (">", Comparison::Greater),
                ("=", Comparison::Equal),
            ]
            .into_iter()
            .find_map(|(sign, op)| clause.strip_prefix(sign).map(|rest| (op, rest)))
            .ok_or_else(|| format!("{clause:?} does not start with <, <=, =, >= or >"))?;
            let version = Version::parse(rest.trim())
                .filter(|_| rest.trim().chars().all(|c| c.is_ascii_digit() || c == '.'))
                .ok_or_else(|| format!("{rest:?} is not MAJOR.MINOR[.PATCH]"))?;
            all.push((op, version));
        }
        Ok(VersionRange(all))
    }

    /// Whether `v` satisfies every comparison.
    pub fn contains(&self, v: Version) -> bool {
        self.0.iter().all(|&(op, bound)| match op {
            Comparison::Less => v < bound,
            Comparison::AtMost => v <= bound,
            Comparison::Equal => v == bound,
            Comparison::AtLeast => v >= bound,
            Comparison::Greater => v > bound,
        })
    }
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
            if let Some(range) = &e.versions {
                VersionRange::parse(range)
                    .map_err(|why| format!("entry for {}: versions {range:?}: {why}", e.case))?;
            }
        }
        let used = vec![false; file.divergence.len()];
        Ok(Baseline {
            entries: file.divergence,
            seen: used.clone(),
            used,
        })
    }

    /// Checks every entry against what exists: its case in the catalogue, its backend among
    /// `backends` (name, targets), its target among that backend's, its builds among its
    /// builds. An entry naming something that does not exist would silently waive nothing.
    pub fn check(&self, backends: &[&dyn crate::backend::Backend]) -> Result<(), String> {
        for e in &self.entries {
            let what = format!("entry for {} on {}", e.case, e.backend);
            if irq_cases::find(&e.case).is_none() {
                return Err(format!("{what}: no case {} in the catalogue", e.case));
            }
            let instances: Vec<_> = backends.iter().filter(|b| b.name() == e.backend).collect();
            if instances.is_empty() {
                return Err(format!("{what}: no backend {}", e.backend));
            }
            if let Some(target) = &e.target
                && !instances
                    .iter()
                    .any(|b| b.targets().iter().any(|t| t.name == target))
            {
                return Err(format!("{what}: {} has no target {target}", e.backend));
            }
            for build in e.builds.iter().flatten() {
                if !instances
                    .iter()
                    .any(|b| b.build().is_some_and(|x| x.name == build))
                {
                    return Err(format!("{what}: {} has no build {build}", e.backend));
                }
            }
        }
        Ok(())
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
            let here = e.covers(name, &result.id);
            // Only a verdict judges the entry: a skipped case says nothing of the departure, and
            // an error is reported as itself, not as a stale entry.
            let verdict = !matches!(result.outcome, Outcome::Skip | Outcome::Error);
            self.seen[i] |= here && verdict;
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
    /// is gone or changed (an intermittent one is never stale).
    pub fn stale(&self) -> Vec<Entry> {
        let judged = self.entries.iter().zip(self.seen.iter().zip(&self.used));
        judged
            .filter(|(e, (seen, used))| **seen && !**used && !e.intermittent)
            .map(|(e, _)| e.clone())
            .collect()
    }

    /// Whether an intermittent entry covers case `case` on `name`: its outcome may be a pass or
    /// a waived failure from one run to the next.
    pub fn intermittent(&self, name: &TargetName, case: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.intermittent && e.covers(name, case))
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
        TargetName::new("qemu-tcg", target)
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
        let elsewhere = TargetName::new("reference", "gicv3");
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

    const SCOPED: &str = r#"
        [[divergence]]
        case = "gic.iidr"
        backend = "xen-dom0less"
        builds = ["4.17-new-vgic"]
        reason = "KVM's implementer code"
        link = "l"

        [[divergence]]
        case = "gic.v2-icpidr2"
        backend = "xen-dom0less"
        versions = ">=4.17, <4.20"
        reason = "fixed in 4.20"
        link = "l"
    "#;

    fn on(build: &'static str, version: (u32, u32)) -> TargetName {
        TargetName {
            backend: "xen-dom0less",
            build: Some(BuildTag {
                name: build,
                version: Some(Version::new(version.0, version.1)),
            }),
            target: "gicv2",
        }
    }

    #[test]
    fn an_entry_scoped_to_builds_or_versions_waives_only_there() {
        let mut b = Baseline::parse(SCOPED).unwrap();
        let outcome = |b: &mut Baseline, id: &str, on: TargetName| {
            let mut r = fail(id, "x");
            b.apply(&on, &mut r);
            r.outcome
        };
        assert_eq!(
            outcome(&mut b, "gic.iidr", on("4.17-new-vgic", (4, 17))),
            Outcome::Waived
        );
        assert_eq!(
            outcome(&mut b, "gic.iidr", on("4.17", (4, 17))),
            Outcome::Fail
        );
        assert_eq!(
            outcome(&mut b, "gic.v2-icpidr2", on("4.17", (4, 17))),
            Outcome::Waived
        );
        assert_eq!(
            outcome(&mut b, "gic.v2-icpidr2", on("4.20", (4, 20))),
            Outcome::Fail
        );
    }

    #[test]
    fn an_entry_for_a_build_that_did_not_run_is_not_stale_but_one_that_ran_is() {
        let mut b = Baseline::parse(SCOPED).unwrap();
        let mut pass = CaseResult::bare("gic.iidr", Outcome::Pass, "", Evidence::None);
        b.apply(&on("4.20", (4, 20)), &mut pass);
        assert!(
            b.stale().is_empty(),
            "gic.iidr ran on 4.20 only, outside the entry"
        );
        b.apply(&on("4.17-new-vgic", (4, 17)), &mut pass);
        let stale: Vec<_> = b.stale().into_iter().map(|e| e.case).collect();
        assert_eq!(stale, ["gic.iidr"]);
    }

    #[test]
    fn an_intermittent_entry_is_not_stale_when_its_case_passes() {
        let text = "[[divergence]]\ncase='gic.smp-spi-retarget-pending'\nbackend='xen-dom0less'\n\
                    intermittent=true\nreason='a race'\nlink='l'";
        let mut b = Baseline::parse(text).unwrap();
        let name = on("4.17-new-vgic", (4, 17));
        let mut pass = CaseResult::bare(
            "gic.smp-spi-retarget-pending",
            Outcome::Pass,
            "",
            Evidence::None,
        );
        b.apply(&name, &mut pass);
        assert!(b.stale().is_empty());
        assert!(b.intermittent(&name, "gic.smp-spi-retarget-pending"));
        assert!(!b.intermittent(&name, "gic.iidr"));
    }

    #[test]
    fn a_version_range_compares_numerically_and_a_bad_one_is_refused() {
        let r = VersionRange::parse(">=4.17, <4.20").unwrap();
        assert!(r.contains(Version::new(4, 17)) && r.contains(Version::new(4, 19)));
        assert!(!r.contains(Version::new(4, 20)) && !r.contains(Version::new(4, 9)));
        let bad = "[[divergence]]\ncase='a'\nbackend='b'\nversions='~4.17'\nreason='r'\nlink='l'";
        assert!(Baseline::parse(bad).unwrap_err().contains("versions"));
        assert!(VersionRange::parse("<4.x").is_err());
    }

    #[test]
    fn an_entry_for_a_case_backend_target_or_build_that_does_not_exist_is_refused() {
        let all = crate::backend::all();
        let entry = |case: &str, backend: &str, extra: &str| {
            format!(
                "[[divergence]]\ncase='{case}'\nbackend='{backend}'\n{extra}reason='r'\nlink='l'\n"
            )
        };
        let check = |text: String| Baseline::parse(&text).unwrap().check(all);
        assert!(
            check(entry(
                "gic.iidr",
                "xen-dom0less",
                "builds=['4.20']\ntarget='gicv3'\n"
            ))
            .is_ok()
        );
        assert!(
            check(entry("gic.nope", "qemu-tcg", ""))
                .unwrap_err()
                .contains("no case")
        );
        assert!(
            check(entry("gic.iidr", "kvm-nope", ""))
                .unwrap_err()
                .contains("no backend")
        );
        assert!(
            check(entry("gic.iidr", "qemu-tcg", "target='gicv9'\n"))
                .unwrap_err()
                .contains("no target")
        );
        assert!(
            check(entry("gic.iidr", "kvm-x86", "builds=['5.4']\n"))
                .unwrap_err()
                .contains("no build")
        );
    }

    #[test]
    fn an_entry_whose_case_errs_is_not_stale_the_error_speaks_for_itself() {
        let mut b = Baseline::parse(TEXT).unwrap();
        let mut err = CaseResult::bare("gic.iidr", Outcome::Error, "hang", Evidence::None);
        b.apply(&name("gicv3"), &mut err);
        assert!(b.stale().is_empty());
        assert_eq!(err.outcome, Outcome::Error);
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
