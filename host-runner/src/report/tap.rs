//! TAP version 13 (`--tap`), one test point per case instance, named
//! `backend[@build]/target/case-id`: a skip carries the `SKIP` directive; a divergence, a waiver,
//! a failure or an error carries its outcome and reason as YAML diagnostics.

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
                // TAP knows two directives, SKIP and TODO: a skip is one; `diverge` and `waived`
                // pass, and say what they are in the YAML diagnostics, as failures do.
                let directive = match result.outcome {
                    Outcome::Skip => format!(" # SKIP {}", result.reason),
                    _ => String::new(),
                };
                let line = writeln!(
                    self.out,
                    "{ok} {} - {name}/{}{directive}",
                    self.n, result.id
                );
                if !matches!(result.outcome, Outcome::Pass | Outcome::Skip) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::TargetName;
    use crate::verdict::{CaseResult, Evidence};

    fn finished(id: &str, outcome: Outcome, reason: &str) -> RunEvent {
        RunEvent::CaseFinished {
            name: TargetName::new("qemu-tcg", "gicv3"),
            result: Box::new(CaseResult::bare(id, outcome, reason, Evidence::None)),
        }
    }

    #[test]
    fn tap_has_a_plan_one_point_per_case_and_only_the_directives_tap_knows() {
        let mut out = Vec::new();
        let mut tap = Tap::new(&mut out);
        tap.event(&RunEvent::RunStarted {
            instances: 4,
            targets: 1,
        });
        tap.event(&finished("gic.a", Outcome::Pass, ""));
        tap.event(&finished("gic.b", Outcome::Skip, "needs GICv3 or later"));
        tap.event(&finished(
            "gic.c",
            Outcome::Diverge,
            "GICD_IIDR = 0x1 (model 0x2)",
        ));
        tap.event(&finished(
            "gic.d",
            Outcome::Fail,
            "check x: got 0x0, expected 0x1",
        ));
        let text = String::from_utf8(out).unwrap();
        let expected = "TAP version 13\n1..4\n\
            ok 1 - qemu-tcg/gicv3/gic.a\n\
            ok 2 - qemu-tcg/gicv3/gic.b # SKIP needs GICv3 or later\n\
            ok 3 - qemu-tcg/gicv3/gic.c\n  ---\n  outcome: diverge\n  \
            message: \"GICD_IIDR = 0x1 (model 0x2)\"\n  ...\n\
            not ok 4 - qemu-tcg/gicv3/gic.d\n  ---\n  outcome: fail\n  \
            message: \"check x: got 0x0, expected 0x1\"\n  ...\n";
        assert_eq!(text, expected);
    }
}
