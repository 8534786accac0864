//! TAP version 13 (`--tap`), one test point per case instance, named `backend/target/case-id`.

use std::io::Write;

use guest_kit::Outcome;

use super::Reporter;
use crate::events::RunEvent;

/// Prints TAP to a writer.
pub struct Tap<W: Write> {
    out: W,
    n: usize,
}

impl<W: Write> Tap<W> {
    /// A TAP reporter writing to `out`.
    pub fn new(out: W) -> Self {
        Tap { out, n: 0 }
    }
}

impl<W: Write> Reporter for Tap<W> {
    fn event(&mut self, event: &RunEvent) {
        let _ = match event {
            RunEvent::RunStarted { instances, .. } => {
                writeln!(self.out, "TAP version 13\n1..{instances}")
            }
            RunEvent::CaseFinished { name, result } => {
                self.n += 1;
                let ok = if result.outcome.is_failure() {
                    "not ok"
                } else {
                    "ok"
                };
                let directive = match result.outcome {
                    Outcome::Skip => format!(" # SKIP {}", result.reason),
                    Outcome::Pass => String::new(),
                    o if o.is_failure() => String::new(),
                    o => format!(" # {o}: {}", result.reason),
                };
                let line = writeln!(
                    self.out,
                    "{ok} {} - {name}/{}{directive}",
                    self.n, result.id
                );
                if result.outcome.is_failure() {
                    let _ = writeln!(
                        self.out,
                        "  ---\n  outcome: {}\n  message: {:?}\n  ...",
                        result.outcome, result.reason
                    );
                }
                line
            }
            _ => Ok(()),
        };
    }
}
