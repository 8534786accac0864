//! From command-line choices to what runs: backends × targets × cases.

use glob::Pattern;

use crate::backend::{self, Backend, TargetSpec, Unavailable};

/// A usage or configuration error (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One backend/target and the cases it runs.
pub struct PlannedTarget {
    /// The backend.
    pub backend: &'static dyn Backend,
    /// The target.
    pub target: TargetSpec,
    /// Catalogue indices, ascending.
    pub cases: Vec<usize>,
    /// Set when the backend cannot run here: every case is reported skipped (an error under
    /// `--require`) with this reason.
    pub unavailable: Option<Unavailable>,
}

/// The backends a run uses.
pub struct Chosen {
    /// The backends, in the order given.
    pub backends: Vec<&'static dyn Backend>,
    /// Backends (`name@build`) that `all` left out because they cannot run here, and why.
    pub left_out: Vec<(String, Unavailable)>,
}

/// Resolves `--backend` names among the stock backends (`all` = every backend that can run
/// here).
pub fn backends(names: &[String]) -> Result<Chosen, UsageError> {
    backends_among(names, backend::all())
}

/// Resolves `--backend` names among `registry` (the stock backends and a user's builds):
/// `all` = every instance that can run here, `name` = every build of the backend, `name@build`
/// = that build.
pub fn backends_among(
    names: &[String],
    registry: &[&'static dyn Backend],
) -> Result<Chosen, UsageError> {
    let mut chosen: Vec<&'static dyn Backend> = Vec::new();
    let mut left_out = Vec::new();
    for name in names {
        if name == "all" {
            for b in registry {
                match b.availability() {
                    Ok(()) => chosen.push(*b),
                    Err(u) => left_out.push((b.spelled(), u)),
                }
            }
            continue;
        }
        let found = backend::select(registry, name);
        if found.is_empty() {
            let mut known: Vec<String> = registry.iter().map(|b| b.name().to_owned()).collect();
            known.dedup();
            known.extend(
                registry
                    .iter()
                    .filter(|b| b.build().is_some())
                    .map(|b| b.spelled()),
            );
            return Err(UsageError(format!(
                "unknown backend {name:?} (known: {}, all)",
                known.join(", ")
            )));
        }
        chosen.extend(found);
    }
    let mut seen = std::collections::HashSet::new();
    chosen.retain(|b| seen.insert(b.spelled()));
    Ok(Chosen {
        backends: chosen,
        left_out,
    })
}

/// Builds the plan for `backends`, `targets` (empty: every target) and `filter` (globs on
/// case ids, see [`select_cases`]; none: every case).
pub fn plan(
    backends: &[&'static dyn Backend],
    targets: &[String],
    filter: &[String],
) -> Result<Vec<PlannedTarget>, UsageError> {
    let cases = select_cases(filter)?;
    for t in targets {
        if !backends
            .iter()
            .any(|b| b.targets().iter().any(|s| s.name == t))
        {
            let known: Vec<_> = backends
                .iter()
                .flat_map(|b| b.targets())
                .map(|s| s.name)
                .collect();
            return Err(UsageError(format!(
                "unknown target {t:?} for the chosen backends (known: {})",
                known.join(", ")
            )));
        }
    }
    let mut planned = Vec::new();
    for &backend in backends {
        for spec in backend.targets() {
            if targets.is_empty() || targets.iter().any(|t| t == spec.name) {
                planned.push(PlannedTarget {
                    backend,
                    target: *spec,
                    cases: cases.clone(),
                    unavailable: backend.target_availability(spec).err(),
                });
            }
        }
    }
    Ok(planned)
}

/// The catalogue indices `filter` selects: globs on case ids (`gic.spi-*`), those that start
/// with `!` leaving cases out (`!its.*`). A case is selected when it matches one of the others
/// (or there are none) and none of those that leave out. Selecting nothing is a usage error.
pub fn select_cases(filter: &[String]) -> Result<Vec<usize>, UsageError> {
    let mut keep = Vec::new();
    let mut leave = Vec::new();
    for glob in filter {
        let (list, glob) = match glob.strip_prefix('!') {
            Some(rest) => (&mut leave, rest),
            None => (&mut keep, glob.as_str()),
        };
        let pattern = Pattern::new(glob)
            .map_err(|e| UsageError(format!("bad --filter pattern {glob:?}: {e}")))?;
        list.push(pattern);
    }
    let selected: Vec<usize> = irq_cases::CATALOGUE
        .iter()
        .enumerate()
        .filter(|(_, c)| keep.is_empty() || keep.iter().any(|p| p.matches(c.id)))
        .filter(|(_, c)| !leave.iter().any(|p| p.matches(c.id)))
        .map(|(i, _)| i)
        .collect();
    if selected.is_empty() {
        return Err(UsageError(format!(
            "--filter {:?} matches no case (see `irqsuite list`)",
            filter.join(",")
        )));
    }
    Ok(selected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(globs: &[&str]) -> Vec<String> {
        globs.iter().map(|g| (*g).to_owned()).collect()
    }

    #[test]
    fn filter_that_matches_nothing_is_a_usage_error() {
        assert!(select_cases(&globs(&["nope.*"])).is_err());
        assert!(select_cases(&globs(&["gic.*"])).is_ok_and(|c| !c.is_empty()));
        assert_eq!(
            select_cases(&[]).map(|c| c.len()),
            Ok(irq_cases::CATALOGUE.len())
        );
        assert!(select_cases(&globs(&["!*"])).is_err());
    }

    #[test]
    fn filters_add_up_and_a_bang_leaves_cases_out() {
        let ids = |globs_: &[&str]| -> Vec<&str> {
            select_cases(&globs(globs_))
                .unwrap()
                .into_iter()
                .map(|i| irq_cases::CATALOGUE[i].id)
                .collect()
        };
        let gic = ids(&["gic.*"]);
        let its = ids(&["its.*"]);
        let both = ids(&["gic.*", "its.*"]);
        assert_eq!(both.len(), gic.len() + its.len());
        let not_its = ids(&["!its.*"]);
        assert_eq!(not_its.len(), irq_cases::CATALOGUE.len() - its.len());
        assert!(not_its.iter().all(|id| !id.starts_with("its.")));
        let sweeps_but_irouter = ids(&["sweep.*", "!sweep.gicd-irouter"]);
        assert!(!sweeps_but_irouter.contains(&"sweep.gicd-irouter"));
        assert_eq!(sweeps_but_irouter.len(), ids(&["sweep.*"]).len() - 1);
    }

    #[test]
    fn unknown_backend_names_the_known_ones() {
        let err = backends(&["kvm-nope".into()]).err().unwrap();
        assert!(err.0.contains("reference"), "{err}");
    }

    /// A backend whose `x86` target needs a tool this machine lacks.
    struct HalfInstalled;

    const HALF_TARGETS: [TargetSpec; 2] = [
        TargetSpec {
            name: "arm",
            shape: backend::aarch64_shape(
                guest_kit::GicVersion::V3,
                1,
                false,
                guest_kit::inject::Injection::empty(),
            ),
        },
        TargetSpec {
            name: "x86",
            shape: backend::x86_shape(1, true, false, guest_kit::inject::Injection::empty()),
        },
    ];

    impl Backend for HalfInstalled {
        fn name(&self) -> &'static str {
            "half"
        }
        fn describe(&self) -> &'static str {
            "test"
        }
        fn targets(&self) -> &'static [TargetSpec] {
            &HALF_TARGETS
        }
        fn availability(&self) -> Result<(), Unavailable> {
            Ok(())
        }
        fn target_availability(&self, target: &TargetSpec) -> Result<(), Unavailable> {
            match target.name {
                "x86" => Err(Unavailable {
                    reason: "no x86 emulator".into(),
                    fix: "install it".into(),
                }),
                _ => Ok(()),
            }
        }
        fn run(&self, _: &TargetSpec, _: &[usize], _: backend::Limits, _: backend::Sink<'_>) {}
    }

    #[test]
    fn a_target_whose_tools_are_missing_is_unavailable_alone() {
        let planned = plan(&[&HalfInstalled], &[], &[]).unwrap();
        let unavailable: Vec<_> = planned
            .iter()
            .map(|p| {
                (
                    p.target.name,
                    p.unavailable.as_ref().map(|u| u.fix.as_str()),
                )
            })
            .collect();
        assert_eq!(unavailable, [("arm", None), ("x86", Some("install it"))]);
    }

    #[test]
    fn a_backend_name_selects_every_build_and_an_at_sign_one() {
        let spelled = |names: &[&str]| -> Vec<String> {
            let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
            backends(&names)
                .unwrap()
                .backends
                .iter()
                .map(|b| b.spelled())
                .collect()
        };
        assert_eq!(
            spelled(&["xen-dom0less"]),
            [
                "xen-dom0less@4.17",
                "xen-dom0less@4.20",
                "xen-dom0less@4.17-new-vgic"
            ]
        );
        assert_eq!(
            spelled(&["kvm-arm64@6.12", "kvm-arm64"]),
            ["kvm-arm64@6.12", "kvm-arm64@6.1"]
        );
        let err = backends(&["kvm-x86@5.10".into()]).err().unwrap();
        assert!(err.0.contains("kvm-x86@6.12"), "{err}");
    }

    #[test]
    fn unknown_target_is_a_usage_error() {
        let b = backends(&["reference".into()]).unwrap().backends;
        assert!(plan(&b, &["gicv9".into()], &[]).is_err());
        assert_eq!(plan(&b, &["gicv3".into()], &[]).map(|p| p.len()), Ok(1));
    }
}
