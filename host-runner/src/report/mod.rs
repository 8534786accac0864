//! Reporters: consumers of [`RunEvent`]s (DESIGN.md, seam 6). The terminal and TAP reporters
//! print as events arrive; [`RunReport`] collects them for the JUnit and JSON writers and the
//! results folder.

pub mod json;
pub mod junit;
pub mod recorded;
pub mod tap;
pub mod terminal;

use std::time::Duration;

use guest_kit::{Outcome, TargetInfo};

use crate::builds::provenance::Provenance;
use crate::events::{RunEvent, TargetName};
use crate::verdict::CaseResult;

/// Something that consumes run events as they happen.
pub trait Reporter {
    /// Consumes one event.
    fn event(&mut self, event: &RunEvent);
}

/// Everything one target produced.
#[derive(Clone, Debug)]
pub struct TargetReport {
    /// Which.
    pub name: TargetName,
    /// What the guest reported (absent when it never booted).
    pub info: Option<TargetInfo>,
    /// Boots it took.
    pub boots: u32,
    /// Wall time.
    pub elapsed: Duration,
    /// Results, in catalogue order.
    pub cases: Vec<CaseResult>,
    /// Console of every boot.
    pub console: Vec<String>,
    /// What produced the results.
    pub provenance: Provenance,
    /// What was wrong with its consoles outside any case.
    pub problems: Vec<String>,
}

/// A finished run, collected from its events.
#[derive(Clone, Debug, Default)]
pub struct RunReport {
    /// Every target, in the order it started.
    pub targets: Vec<TargetReport>,
    /// Baseline entries for the backends that ran that matched no failure.
    pub stale_baseline: Vec<crate::baseline::Entry>,
}

impl RunReport {
    fn target(&mut self, name: &TargetName) -> &mut TargetReport {
        if let Some(i) = self.targets.iter().position(|t| &t.name == name) {
            return &mut self.targets[i];
        }
        self.targets.push(TargetReport {
            name: name.clone(),
            info: None,
            boots: 0,
            elapsed: Duration::ZERO,
            cases: vec![],
            console: vec![],
            provenance: Provenance::default(),
            problems: vec![],
        });
        self.targets.last_mut().expect("just pushed")
    }

    /// Count of case instances per outcome, least severe first.
    pub fn counts(&self) -> Vec<(Outcome, usize)> {
        Outcome::ALL
            .into_iter()
            .map(|o| {
                (
                    o,
                    self.targets
                        .iter()
                        .flat_map(|t| &t.cases)
                        .filter(|c| c.outcome == o)
                        .count(),
                )
            })
            .collect()
    }

    /// Whether any case failed or erred, or a console was damaged outside any case (exit
    /// status 1).
    pub fn failed(&self) -> bool {
        self.targets
            .iter()
            .any(|t| !t.problems.is_empty() || t.cases.iter().any(|c| c.outcome.is_failure()))
    }

    /// Orders each target's cases by catalogue order (targets report in order already; this
    /// makes reports independent of scheduling).
    pub fn sort(&mut self) {
        self.targets.sort_by(|a, b| a.name.cmp(&b.name));
        let pos = |id: &str| irq_cases::find(id).map_or(usize::MAX, |(i, _)| i);
        for t in &mut self.targets {
            t.cases.sort_by_key(|c| pos(&c.id));
        }
    }
}

impl Reporter for RunReport {
    fn event(&mut self, event: &RunEvent) {
        match event {
            RunEvent::TargetStarted {
                name, provenance, ..
            } => {
                self.target(name).provenance = (**provenance).clone();
            }
            RunEvent::CaseFinished { name, result } => {
                self.target(name).cases.push((**result).clone())
            }
            RunEvent::TargetFinished {
                name,
                info,
                boots,
                elapsed,
                console,
                facts,
                problems,
            } => {
                let t = self.target(name);
                t.problems = problems.clone();
                t.info = *info;
                t.boots = *boots;
                t.elapsed = *elapsed;
                t.console = console.clone();
                t.provenance = std::mem::take(&mut t.provenance).with_facts(facts);
            }
            // Judged into a `CaseFinished` before any reporter sees it.
            RunEvent::CaseTraced { .. } => {}
            RunEvent::RunStarted { .. } | RunEvent::Booting { .. } => {}
        }
    }
}
