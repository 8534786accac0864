//! The JSON report (DESIGN.md; documented in the README):
//! `{"schema": 1, "runs": [{"backend", "build", "target", "info", "boots", "elapsed_ms",
//! "provenance", "problems", "cases": [{"id", "outcome", "reason", "evidence",
//! "observations": [...]}]}]}` (`build` only for a backend with builds; `problems`, the console
//! damaged outside any case, only when there is some).

use guest_kit::{Arch, TargetInfo};
use serde::Serialize;

use super::{RunReport, TargetReport};
use crate::baseline::Entry;
use crate::builds::provenance::Provenance;
use crate::verdict::CaseResult;

/// The schema version; bumped on any incompatible change.
pub const SCHEMA: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema: u32,
    runs: Vec<Run<'a>>,
    /// Baseline entries that matched no failure (absent in per-target files).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    stale_baseline: &'a [Entry],
}

#[derive(Serialize)]
struct Run<'a> {
    backend: &'a str,
    /// The build of the hypervisor under test (absent for a backend without builds).
    #[serde(skip_serializing_if = "Option::is_none")]
    build: Option<&'a str>,
    target: &'a str,
    info: Option<Info>,
    boots: u32,
    elapsed_ms: u64,
    provenance: &'a Provenance,
    /// What was wrong with the console outside any case.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    problems: &'a [String],
    cases: &'a [CaseResult],
}

/// The machine the target reported: its architecture and CPUs, then the GIC's shape (aarch64)
/// or the APICs' and the IOMMU's (x86_64).
#[derive(Serialize)]
struct Info {
    arch: &'static str,
    cpus: u8,
    #[serde(flatten)]
    gic: Option<Gic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    x86: Option<X86>,
}

#[derive(Serialize)]
struct Gic {
    gic: String,
    it_lines: u8,
    pri_bits: u8,
    its: bool,
}

#[derive(Serialize)]
struct X86 {
    ioapic_pins: u8,
    x2apic: bool,
    iommu: bool,
}

fn info(i: TargetInfo) -> Info {
    let x86 = i.arch == Arch::X86_64;
    Info {
        arch: i.arch.wire(),
        cpus: i.cpus,
        gic: (!x86).then(|| Gic {
            gic: i.gic.to_string(),
            it_lines: i.it_lines,
            pri_bits: i.pri_bits,
            its: i.its,
        }),
        x86: x86.then_some(X86 {
            ioapic_pins: i.x86.ioapic_pins,
            x2apic: i.x86.x2apic,
            iommu: i.x86.iommu,
        }),
    }
}

fn run(t: &TargetReport) -> Run<'_> {
    Run {
        backend: t.name.backend,
        build: t.name.build.map(|b| b.name),
        target: t.name.target,
        provenance: &t.provenance,
        info: t.info.map(info),
        boots: t.boots,
        elapsed_ms: u64::try_from(t.elapsed.as_millis()).unwrap_or(u64::MAX),
        problems: &t.problems,
        cases: &t.cases,
    }
}

/// The JSON document for `report`.
pub fn render(report: &RunReport) -> String {
    serialize(
        report.targets.iter().map(run).collect(),
        &report.stale_baseline,
    )
}

/// The JSON document for one target alone.
pub fn render_target(target: &TargetReport) -> String {
    serialize(vec![run(target)], &[])
}

fn serialize(runs: Vec<Run<'_>>, stale_baseline: &[Entry]) -> String {
    let doc = Document {
        schema: SCHEMA,
        runs,
        stale_baseline,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
