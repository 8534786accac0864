//! `irqsuite list`: the catalogue, with the targets of the chosen backends each case runs on.

use serde::Serialize;

use guest_kit::{Case, GicVersion};

use crate::backend::Backend;

#[derive(Serialize)]
struct Entry {
    id: &'static str,
    area: &'static str,
    title: &'static str,
    spec: &'static str,
    needs: Needs,
    targets: Vec<String>,
}

#[derive(Serialize)]
struct Needs {
    arch: &'static str,
    gic_min: String,
    gic_max: String,
    cpus: u8,
    its: bool,
    /// x86: x2APIC mode, an IOAPIC, a VT-d unit.
    x2apic: bool,
    ioapic: bool,
    iommu: bool,
}

fn targets(case: &Case, backends: &[&'static dyn Backend]) -> Vec<String> {
    backends
        .iter()
        .flat_map(|b| b.targets().iter().map(move |t| (b.spelled(), t)))
        .filter(|(_, t)| case.needs.unmet(&t.shape).is_none())
        .map(|(b, t)| format!("{b}/{}", t.name))
        .collect()
}

fn entries(backends: &[&'static dyn Backend], cases: &[usize]) -> Vec<Entry> {
    let v = |g: GicVersion| g.to_string();
    cases
        .iter()
        .map(|&i| &irq_cases::CATALOGUE[i])
        .map(|c| Entry {
            id: c.id,
            area: c.area(),
            title: c.title,
            spec: c.spec,
            needs: Needs {
                arch: c.needs.arch.wire(),
                gic_min: v(c.needs.gic_min),
                gic_max: v(c.needs.gic_max),
                cpus: c.needs.cpus,
                its: c.needs.its,
                x2apic: c.needs.x2apic,
                ioapic: c.needs.ioapic,
                iommu: c.needs.iommu,
            },
            targets: targets(c, backends),
        })
        .collect()
}

/// The catalogue's `cases` as JSON: an array of `{id, area, title, spec, needs, targets}`.
pub fn json(backends: &[&'static dyn Backend], cases: &[usize]) -> String {
    let mut s = serde_json::to_string_pretty(&entries(backends, cases)).unwrap_or_default();
    s.push('\n');
    s
}

/// The catalogue's `cases` as a table: a header, then per case its id, specification section
/// and title, and the targets it runs on.
pub fn table(backends: &[&'static dyn Backend], cases: &[usize]) -> String {
    let entries = entries(backends, cases);
    let id_width = entries.iter().map(|e| e.id.len()).max().unwrap_or(0).max(4);
    let spec_width = entries
        .iter()
        .map(|e| e.spec.len())
        .max()
        .unwrap_or(0)
        .max(4);
    let mut out = format!("{:<id_width$}  {:<spec_width$}  TITLE\n", "CASE", "SPEC");
    for e in &entries {
        let targets = match e.targets.is_empty() {
            true => "(no target)".to_owned(),
            false => e.targets.join(", "),
        };
        out.push_str(&format!(
            "{:<id_width$}  {:<spec_width$}  {}\n{:id_width$}  runs on: {targets}\n",
            e.id, e.spec, e.title, ""
        ));
    }
    out.push_str(&format!("{} cases\n", entries.len()));
    out
}
