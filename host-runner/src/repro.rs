//! `irqsuite repro backend/target/case`: after running one case instance again, what a developer
//! needs to look into it by hand: the machine's exact command line (with the case selection), the
//! console kept for it, and the case's trace beside the model's, observation by observation, the
//! first that differs marked.

use std::fmt::Write as _;
use std::path::Path;

use crate::observed::Observed;
use crate::replay::{Recorder, run_case};
use crate::report::TargetReport;

/// The text `repro` prints for `target` (one case), whose files are under `folder`.
pub fn show(target: &TargetReport, folder: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n{}", target.name);
    if let Some(machine) = &target.provenance.machine {
        let _ = writeln!(out, "machine: {machine}");
    }
    let console = folder
        .join(target.name.backend_build())
        .join(target.name.target)
        .join("console.log");
    let _ = writeln!(out, "console: {}", console.display());
    for result in &target.cases {
        let _ = writeln!(out, "{}: {} {}", result.id, result.outcome, result.reason);
        let model = match (irq_cases::find(&result.id), target.info) {
            (Some((_, case)), Some(info)) => {
                let mut rec = Recorder::default();
                run_case(case, info, &mut rec);
                rec.observations.iter().map(Observed::from).collect()
            }
            _ => vec![],
        };
        out.push_str(&side_by_side(&result.observations, &model));
    }
    out
}

/// The two traces in two columns, a row per observation; `>>` marks the first row where they
/// differ (the divergence, or where one trace ends).
pub fn side_by_side(target: &[Observed], model: &[Observed]) -> String {
    let text = |o: Option<&Observed>| o.map_or_else(|| "(ends)".to_owned(), ToString::to_string);
    let rows = target.len().max(model.len());
    let width = target
        .iter()
        .map(|o| o.to_string().len())
        .max()
        .unwrap_or(0)
        .clamp(6, 60);
    let mut out = format!("     #  {:<width$}  model\n", "target");
    let mut marked = false;
    for i in 0..rows {
        let (t, m) = (target.get(i), model.get(i));
        let mark = match (t == m, marked) {
            (false, false) => {
                marked = true;
                ">>"
            }
            _ => "  ",
        };
        let _ = writeln!(out, "{mark}{i:>4}  {:<width$}  {}", text(t), text(m));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(value: &str) -> Observed {
        Observed::Read {
            site: "gicd:0x4".into(),
            register: "GICD_TYPER".into(),
            width: 4,
            value: value.into(),
        }
    }

    #[test]
    fn the_first_difference_is_marked_and_a_shorter_trace_ends() {
        let text = side_by_side(
            &[read("0x1"), read("0x2")],
            &[read("0x1"), read("0x3"), read("0x4")],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[1].starts_with("     0"), "{text}");
        assert!(lines[2].starts_with(">>   1"), "{text}");
        assert!(
            lines[3].starts_with("     2") && lines[3].contains("(ends)"),
            "{text}"
        );
    }
}
