//! The terminal reporter: a line per finished case (the progress of a long run), details for
//! anything that is not a pass, and a summary.

use std::io::Write;
use std::time::Instant;

use guest_kit::Outcome;

use super::{Reporter, RunReport};
use crate::events::RunEvent;

/// Prints to a writer (stdout in the binary).
pub struct Terminal<W: Write> {
    out: W,
    start: Instant,
    done: usize,
    total: usize,
}

impl<W: Write> Terminal<W> {
    /// A reporter writing to `out`.
    pub fn new(out: W) -> Self {
        Terminal {
            out,
            start: Instant::now(),
            done: 0,
            total: 0,
        }
    }

    /// Prints the summary of `report`.
    pub fn summary(&mut self, report: &RunReport) {
        let counts: Vec<String> = report
            .counts()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(o, n)| format!("{n} {o}"))
            .collect();
        let _ = writeln!(
            self.out,
            "\n{} case instances on {} targets in {:.2?}: {}",
            self.done,
            report.targets.len(),
            self.start.elapsed(),
            if counts.is_empty() {
                "nothing ran".into()
            } else {
                counts.join(", ")
            }
        );
        for e in &report.stale_baseline {
            let target = e.target.as_deref().unwrap_or("*");
            let _ = writeln!(
                self.out,
                "stale baseline entry: {}/{target}/{} matched no failure ({}; {})",
                e.backend, e.case, e.reason, e.link
            );
        }
    }
}

impl<W: Write> Reporter for Terminal<W> {
    fn event(&mut self, event: &RunEvent) {
        let _ = match event {
            RunEvent::RunStarted { instances, targets } => {
                self.total = *instances;
                writeln!(
                    self.out,
                    "running {instances} case instances on {targets} targets"
                )
            }
            RunEvent::TargetStarted { .. } => Ok(()),
            RunEvent::Booting { name, attempt: 1 } => writeln!(self.out, "booting {name}"),
            RunEvent::Booting { name, attempt } => {
                writeln!(
                    self.out,
                    "booting {name} again (boot {attempt}) to resume after a dead case"
                )
            }
            RunEvent::CaseFinished { name, result } => {
                self.done += 1;
                let width = self.total.to_string().len();
                let line = writeln!(
                    self.out,
                    "[{:>width$}/{}] {:<7} {name}/{}",
                    self.done,
                    self.total,
                    result.outcome.as_str().to_uppercase(),
                    result.id
                );
                if result.outcome != Outcome::Pass && !result.reason.is_empty() {
                    let _ = writeln!(self.out, "{:>w$}{}", "", result.reason, w = 2 * width + 12);
                }
                line
            }
            RunEvent::TargetFinished {
                name,
                boots,
                elapsed,
                problems,
                ..
            } => {
                for problem in problems {
                    let _ = writeln!(
                        self.out,
                        "{name}: console damaged outside any case: {problem}"
                    );
                }
                match *boots {
                    0 => Ok(()),
                    boots => writeln!(self.out, "{name}: {boots} boot(s), {elapsed:.2?}"),
                }
            }
            // Judged into a `CaseFinished` before any reporter sees it.
            RunEvent::CaseTraced { .. } => Ok(()),
        };
    }
}
