//! JUnit XML (DESIGN.md, "Command line"): one `<testsuite>` per backend/target named
//! `backend/target`, one `<testcase>` per case (name = case id, classname = `backend/target`).
//! `skip` → `<skipped message=reason>`, `fail` → `<failure>` with the first divergence, `error` →
//! `<error>` with the evidence; every test case carries its outcome as a `<property>`, and so
//! does every property the backend reported about it (refvisor's `lr` trace).

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::{RunReport, TargetReport};
use crate::builds::provenance::Provenance;
use crate::verdict::{CaseResult, Evidence};
use guest_kit::{Arch, Outcome};

/// The JUnit document for `report`.
pub fn render(report: &RunReport) -> String {
    document(&report.targets)
}

/// The JUnit document for one target alone (the results folder keeps one per target).
pub fn render_target(target: &TargetReport) -> String {
    document(std::slice::from_ref(target))
}

fn document(targets: &[TargetReport]) -> String {
    let mut junit = Report::new("irqsuite");
    for target in targets {
        junit.add_test_suite(suite(target));
    }
    junit
        .to_string()
        .unwrap_or_else(|e| format!("<!-- JUnit serialization failed: {e} -->"))
}

/// The provenance as suite properties: `irqsuite`, `qemu`, `build`, `build.version`,
/// `build.origin`, `build.from`, `build.sha256`, `hypervisor`, `machine` (those known).
fn provenance_properties(p: &Provenance) -> Vec<(&'static str, String)> {
    let mut props = vec![("irqsuite", p.irqsuite.clone())];
    props.extend(p.qemu.clone().map(|q| ("qemu", q)));
    if let Some(b) = &p.build {
        props.push(("build", b.name.clone()));
        props.extend(b.version.clone().map(|v| ("build.version", v)));
        props.push(("build.origin", b.origin.clone()));
        props.push(("build.from", b.from.clone()));
        props.push(("build.sha256", b.sha256.clone()));
    }
    props.extend(p.hypervisor.clone().map(|h| ("hypervisor", h)));
    props.extend(p.machine.clone().map(|m| ("machine", m)));
    props.extend(p.judged_from.clone().map(|j| ("judged_from", j)));
    props
}

fn suite(target: &TargetReport) -> TestSuite {
    let classname = target.name.to_string();
    let mut suite = TestSuite::new(classname.clone());
    suite.set_time(target.elapsed);
    if let Some(info) = target.info {
        suite.add_property(Property::new("arch", info.arch.wire()));
        match info.arch {
            Arch::Aarch64 => {
                suite.add_property(Property::new("gic", info.gic.to_string()));
            }
            Arch::X86_64 => {
                let x86 = info.x86;
                suite.add_property(Property::new("x2apic", x86.x2apic.to_string()));
                suite.add_property(Property::new("iommu", x86.iommu.to_string()));
                suite.add_property(Property::new("ioapic_pins", x86.ioapic_pins.to_string()));
            }
        }
        suite.add_property(Property::new("cpus", info.cpus.to_string()));
    }
    suite.add_property(Property::new("boots", target.boots.to_string()));
    for (name, value) in provenance_properties(&target.provenance) {
        suite.add_property(Property::new(name, value));
    }
    if !target.problems.is_empty() {
        let mut err = String::from("console damaged outside any case:");
        for problem in &target.problems {
            err.push('\n');
            err.push_str(problem);
        }
        suite.set_system_err(err);
    }
    for case in &target.cases {
        let mut tc = TestCase::new(case.id.clone(), status(case));
        tc.set_classname(classname.clone());
        tc.add_property(Property::new("outcome", case.outcome.as_str()));
        for (name, value) in &case.properties {
            tc.add_property(Property::new(name.as_str(), value.as_str()));
        }
        if let Evidence::Incomplete { console_tail, .. } = &case.evidence {
            tc.set_system_out(console_tail.join("\n"));
        }
        suite.add_test_case(tc);
    }
    suite
}

fn status(case: &CaseResult) -> TestCaseStatus {
    let non_success = |kind, ty: &str| {
        let mut s = TestCaseStatus::non_success(kind);
        s.set_message(case.reason.clone());
        s.set_type(ty);
        s.set_description(detail(case));
        s
    };
    match case.outcome {
        Outcome::Pass | Outcome::Diverge | Outcome::Waived => TestCaseStatus::success(),
        Outcome::Skip => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(case.reason.clone());
            s
        }
        Outcome::Fail => non_success(NonSuccessKind::Failure, "divergence"),
        Outcome::Error => non_success(NonSuccessKind::Error, "error"),
    }
}

/// The evidence as text for the failure/error body.
fn detail(case: &CaseResult) -> String {
    match &case.evidence {
        Evidence::Divergence {
            index,
            target,
            model,
        } => {
            let show = |o: &Option<crate::observed::Observed>| {
                o.as_ref()
                    .map_or("(trace ended)".to_owned(), ToString::to_string)
            };
            format!(
                "first divergence at observation {index}\ntarget: {}\nmodel:  {}",
                show(target),
                show(model)
            )
        }
        Evidence::Incomplete { why, console_tail } => {
            format!("{why}\n--- console tail ---\n{}", console_tail.join("\n"))
        }
        Evidence::Unavailable { reason, fix } => format!("{reason}\nfix: {fix}"),
        _ => case.reason.clone(),
    }
}
