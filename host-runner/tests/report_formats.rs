//! The JUnit and JSON reports, pinned as snapshots, and read back by a JUnit consumer.

use std::time::Duration;

use guest_kit::{Arch, GicVersion, Outcome, TargetInfo};
use irqsuite::events::TargetName;
use irqsuite::observed::Observed;
use irqsuite::report::{RunReport, TargetReport, json, junit};
use irqsuite::verdict::{CaseResult, Evidence, ImplDifference};

/// The provenance of the sample reports: irqsuite, QEMU and the machine's command line.
fn provenance() -> irqsuite::builds::provenance::Provenance {
    irqsuite::builds::provenance::Provenance {
        irqsuite: "0.1.0 test".into(),
        qemu: Some("QEMU emulator version 10.0.2".into()),
        machine: Some("qemu-system-aarch64 -machine virt".into()),
        ..Default::default()
    }
}

fn read(register: &str, site: &str, value: &str) -> Observed {
    Observed::Read {
        site: site.into(),
        register: register.into(),
        width: 4,
        value: value.into(),
    }
}

fn sample() -> RunReport {
    let info = TargetInfo {
        arch: Arch::Aarch64,
        gic: GicVersion::V3,
        cpus: 1,
        it_lines: 8,
        pri_bits: 5,
        its: false,
        arena: 0,
        lpi_clearable: false,
        inject: guest_kit::inject::Injection::empty(),
        x86: guest_kit::X86Info::NONE,
    };
    let pass = CaseResult {
        observations: vec![read("GICD_ISPENDR1", "gicd:0x204", "0x4")],
        ..CaseResult::bare(
            "gic.spi-pending-active-cycle",
            Outcome::Pass,
            "",
            Evidence::None,
        )
    };
    let diverge = CaseResult::bare(
        "gic.iidr",
        Outcome::Diverge,
        "GICD_IIDR = 0x43b (model 0x4a)",
        Evidence::ImplDefined {
            differences: vec![ImplDifference {
                label: "GICD_IIDR".into(),
                target: "0x43b".into(),
                model: "0x4a".into(),
            }],
        },
    );
    let fail = CaseResult::bare(
        "gic.sgi-self",
        Outcome::Fail,
        "observation 2: target read GICR_ISPENDR0 (4-byte) = 0x0; model read GICR_ISPENDR0 (4-byte) = 0x20",
        Evidence::Divergence {
            index: 2,
            target: Some(read("GICR_ISPENDR0", "sgi0:0x200", "0x0")),
            model: Some(read("GICR_ISPENDR0", "sgi0:0x200", "0x20")),
        },
    );
    let skip = CaseResult::bare(
        "gic.v2-itargetsr-spi",
        Outcome::Skip,
        "applies to GICv2 only",
        Evidence::None,
    );
    let error = CaseResult::bare(
        "gic.vtimer-ppi",
        Outcome::Error,
        "case did not finish: no progress for 10 s (timeout): killed",
        Evidence::Incomplete {
            why: "case did not finish: no progress for 10 s (timeout): killed".into(),
            console_tail: vec!["@@irq 40 case 23 gic.vtimer-ppi #1234".into()],
        },
    );
    RunReport {
        targets: vec![TargetReport {
            provenance: provenance(),
            name: TargetName::new("qemu-tcg", "gicv3"),
            info: Some(info),
            boots: 2,
            elapsed: Duration::from_millis(1500),
            cases: vec![pass, diverge, fail, skip, error],
            console: vec![],
            problems: vec!["boot 1: observation outside a case".into()],
        }],
        stale_baseline: vec![],
    }
}

#[test]
fn junit_report_shape() {
    insta::assert_snapshot!(junit::render(&sample()));
}

#[test]
fn json_report_shape() {
    insta::assert_snapshot!(json::render(&sample()));
}

#[test]
fn junit_report_reads_back_with_one_testcase_per_case() {
    let xml = junit::render(&sample());
    let report = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit");
    assert_eq!(report.test_suites.len(), 1);
    let suite = &report.test_suites[0];
    assert_eq!(suite.name.as_str(), "qemu-tcg/gicv3");
    assert_eq!(suite.test_cases.len(), 5);
    assert_eq!((suite.failures, suite.errors), (1, 1));
    let skipped = suite
        .test_cases
        .iter()
        .filter(|tc| matches!(tc.status, quick_junit::TestCaseStatus::Skipped { .. }))
        .count();
    assert_eq!(skipped, 1);
    for tc in &suite.test_cases {
        assert_eq!(
            tc.classname.as_ref().map(|c| c.as_str()),
            Some("qemu-tcg/gicv3")
        );
    }
}

#[test]
fn json_report_follows_schema_1() {
    let doc: serde_json::Value = serde_json::from_str(&json::render(&sample())).unwrap();
    assert_eq!(doc["schema"], 1);
    let run = &doc["runs"][0];
    assert_eq!(
        (run["backend"].as_str(), run["target"].as_str()),
        (Some("qemu-tcg"), Some("gicv3"))
    );
    let outcomes: Vec<_> = run["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["pass", "diverge", "fail", "skip", "error"]);
    assert_eq!(
        run["cases"][0]["observations"][0]["register"],
        "GICD_ISPENDR1"
    );
}

/// An x86 target's run: its shape is the APICs' and the IOMMU's, not a GIC's; a departure in
/// an interrupt window names the vectors.
fn sample_x86() -> RunReport {
    let info = TargetInfo {
        arch: Arch::X86_64,
        gic: GicVersion::V2,
        cpus: 2,
        it_lines: 0,
        pri_bits: 0,
        its: false,
        arena: 0x18_0000,
        lpi_clearable: false,
        inject: guest_kit::inject::Injection::empty(),
        x86: guest_kit::X86Info {
            ioapic_pins: 24,
            x2apic: true,
            iommu: true,
            tsc_deadline: true,
        },
    };
    let fail = CaseResult::bare(
        "x86.x2apic-self-ipi",
        Outcome::Fail,
        "observation 3: target took vector 0x40; model took no vector (interrupt window 2 on CPU 0)",
        Evidence::Divergence {
            index: 3,
            target: Some(Observed::Vector {
                vector: "0x40".into(),
            }),
            model: Some(Observed::NoVector),
        },
    );
    RunReport {
        targets: vec![TargetReport {
            provenance: provenance(),
            name: TargetName::new("qemu-tcg", "x2apic-intremap"),
            info: Some(info),
            boots: 1,
            elapsed: Duration::from_millis(750),
            cases: vec![fail],
            console: vec![],
            problems: vec![],
        }],
        stale_baseline: vec![],
    }
}

#[test]
fn json_report_x86_shape() {
    insta::assert_snapshot!(json::render(&sample_x86()));
}

#[test]
fn an_x86_target_reports_its_apics_in_junit_and_no_gic() {
    let xml = junit::render(&sample_x86());
    let report = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit");
    let properties: Vec<(String, String)> = report.test_suites[0]
        .properties
        .iter()
        .map(|p| (p.name.to_string(), p.value.to_string()))
        .collect();
    let has = |name: &str, value: &str| properties.contains(&(name.into(), value.into()));
    assert!(has("arch", "x86_64") && has("x2apic", "true") && has("iommu", "true"));
    assert!(has("ioapic_pins", "24"));
    assert!(
        !properties.iter().any(|(n, _)| n == "gic"),
        "{properties:?}"
    );
}
