//! The boot loop shared by every backend whose guest reports on a console: boot, decode, judge
//! each case as it ends, and when a case kills or hangs the guest, boot again and resume after
//! that case (DESIGN.md, "Guests": one bad case costs one reboot, not the run).

use std::collections::HashSet;
use std::io;
use std::process::Command;
use std::time::{Duration, Instant};

use guest_kit::inject::{Inject, REPLY, Refused};
use guest_kit::{Outcome, TargetInfo};

use super::{Limits, Sink, TargetSpec};
use crate::events::{RunEvent, TargetName};
use crate::exec::{Machine, Next};
use crate::judge::{self, Unfinished};
use crate::session::{Progress, Session, TargetCase};
use crate::verdict::{CaseResult, Evidence};

/// How long a machine may take to power off after its final record before its group is killed.
const POWER_OFF_GRACE: Duration = Duration::from_secs(3);

/// Builds the command that boots the guest running exactly `cases`.
pub type Launch<'a> = &'a dyn Fn(&[usize]) -> io::Result<Command>;

/// Serves a guest's request to the host (drive a line, send an MSI), or says why it cannot.
pub type Serve<'a> = &'a dyn Fn(Inject) -> Result<(), Refused>;

/// Reads a backend's own console line (not a guest record) that describes the case in
/// progress: `Some((name, value))` becomes a property of that case's result.
pub type CaseProperty<'a> = &'a dyn Fn(&str) -> Option<(String, String)>;

/// The [`CaseProperty`] of a backend that prints nothing about cases.
pub fn no_property(_line: &str) -> Option<(String, String)> {
    None
}

/// What a console backend provides: how to boot, how to serve requests, what to type once
/// the guest has finished, and what its own lines say about a case.
#[derive(Clone, Copy)]
pub struct Hooks<'a> {
    /// Boots the guest.
    pub launch: Launch<'a>,
    /// Serves the guest's requests.
    pub serve: Serve<'a>,
    /// Lines typed on the console input after the final record, so that a machine that does
    /// not power off with its guest ends by itself (Xen's debug key `R`); none for a machine
    /// that does.
    pub farewell: &'a [&'a str],
    /// Reads the backend's own lines about the case in progress.
    pub property: CaseProperty<'a>,
}

/// The id of catalogue case `index`.
fn catalogue_id(index: usize) -> Option<&'static str> {
    irq_cases::CATALOGUE.get(index).map(|c| c.id)
}

/// The `irqsuite.run=` argument selecting `cases` (see [`guest_kit::selection`]).
pub fn case_bitmap(cases: &[usize]) -> String {
    let mut hex = String::new();
    // Writing into a String cannot fail.
    let _ = guest_kit::selection::write_bitmap(cases, &mut hex);
    hex
}

/// The guest's kernel command line for `target` running `cases`: the cases to run
/// (`irqsuite.run=`) and the host-side requests the backend serves (`irqsuite.inject=`).
pub fn guest_bootargs(target: &TargetSpec, cases: &[usize]) -> String {
    format!(
        "{}{} {}{:x}",
        guest_kit::selection::PARAM,
        case_bitmap(cases),
        guest_kit::inject::PARAM,
        target.shape.inject.bits()
    )
}

/// The [`Serve`] of a backend that serves no host-side request: every one is refused with
/// the reason (its targets declare `Injection::empty()`, so this is only a safety net).
pub fn refuse(request: Inject) -> Result<(), Refused> {
    Err(request.refusal().1)
}

/// Runs `cases` on target `name`, booting with `hooks.launch` as often as needed.
pub fn run(name: TargetName, cases: &[usize], limits: Limits, hooks: Hooks<'_>, sink: Sink<'_>) {
    let start = Instant::now();
    let mut remaining = cases.to_vec();
    let mut console = Vec::new();
    let mut info = None;
    let mut boots = 0;
    let finish = |result: CaseResult| {
        sink(RunEvent::CaseFinished {
            name: name.clone(),
            result: Box::new(result),
        })
    };
    while !remaining.is_empty() {
        boots += 1;
        sink(RunEvent::Booting {
            name: name.clone(),
            attempt: boots,
        });
        let boot = match (hooks.launch)(&remaining).and_then(Machine::start) {
            Ok(machine) => one_boot(machine, limits, hooks, &finish, &mut console),
            Err(e) => {
                let why = format!("could not start the machine: {e}");
                fail_all(&remaining, &why, &[], &finish);
                break;
            }
        };
        info = boot.session.info.or(info);
        let tail = boot.session.tail();
        let unfinished = Unfinished {
            why: boot.ending.clone(),
            console_tail: tail.clone(),
        };
        for printed in boot
            .session
            .cases
            .iter()
            .filter(|c| !boot.judged.contains(&c.index))
        {
            finish(judge_printed(printed, info, Some(&unfinished)));
        }
        let Some(last) = boot.session.cases.last().map(|c| c.index) else {
            let mut evidence = tail;
            evidence.extend(boot.stderr);
            fail_all(
                &remaining,
                &format!("the guest ran no case: {}", boot.ending),
                &evidence,
                &finish,
            );
            break;
        };
        remaining.retain(|&i| i > last);
        if boot.session.done && !remaining.is_empty() {
            fail_all(
                &remaining,
                "the guest finished without running it",
                &tail,
                &finish,
            );
            break;
        }
    }
    sink(RunEvent::TargetFinished {
        name,
        info,
        boots,
        elapsed: start.elapsed(),
        console,
    });
}

struct Boot {
    session: Session,
    judged: HashSet<usize>,
    ending: String,
    stderr: Vec<String>,
}

fn one_boot(
    mut machine: Machine,
    limits: Limits,
    hooks: Hooks<'_>,
    finish: &dyn Fn(CaseResult),
    console: &mut Vec<String>,
) -> Boot {
    let mut session = Session::new();
    let mut judged = HashSet::new();
    let mut properties = std::collections::BTreeMap::new();
    let mut deadline = Instant::now() + limits.boot;
    let mut waiting = limits.boot;
    let ending = loop {
        match machine.next_line(deadline) {
            Next::Line(line) => {
                if let Some((name, value)) = (hooks.property)(&line) {
                    properties.insert(name, value);
                }
                let progress = session.feed(&line, &catalogue_id);
                console.push(line);
                match progress {
                    Progress::Nothing => continue,
                    Progress::Done => {
                        for line in hooks.farewell {
                            // A machine that cannot hear it is killed after the grace period.
                            let _ = machine.send_line(line);
                        }
                        break "the guest finished".to_owned();
                    }
                    Progress::CaseEnded(_) => {
                        if let Some(printed) = session.cases.last() {
                            let mut result = judge_printed(printed, session.info, None);
                            result.properties = std::mem::take(&mut properties);
                            finish(result);
                            judged.insert(printed.index);
                        }
                    }
                    Progress::Request { id, request } => {
                        let answer = match (hooks.serve)(request) {
                            Ok(()) => format!("{REPLY}{id} ok"),
                            Err(_) => format!("{REPLY}{id} no {}", request.refusal().0),
                        };
                        // A guest that cannot hear the answer times out, as for a hang.
                        let _ = machine.send_line(&answer);
                    }
                    Progress::CaseStarted(_) => properties.clear(),
                    Progress::Configured => {}
                }
                deadline = Instant::now() + limits.case;
                waiting = limits.case;
            }
            Next::Timeout => {
                break format!("no progress for {} s (timeout): killed", waiting.as_secs());
            }
            Next::Closed => break "the machine exited before the final record".to_owned(),
        }
    };
    let status = machine.finish(POWER_OFF_GRACE);
    let ending = match status {
        Some(s) if !session.done => format!("{ending} ({s})"),
        _ => ending,
    };
    Boot {
        session,
        judged,
        ending,
        stderr: machine.stderr(),
    }
}

fn judge_printed(
    printed: &TargetCase,
    info: Option<TargetInfo>,
    end: Option<&Unfinished>,
) -> CaseResult {
    let case = &irq_cases::CATALOGUE[printed.index];
    match info {
        Some(info) => judge::on_target(case, info, printed, end),
        None => CaseResult::bare(
            case.id,
            Outcome::Error,
            "the guest started a case before reporting its configuration",
            Evidence::Incomplete {
                why: "no cfg record".into(),
                console_tail: vec![],
            },
        ),
    }
}

fn fail_all(cases: &[usize], why: &str, tail: &[String], finish: &dyn Fn(CaseResult)) {
    for &index in cases {
        let id = irq_cases::CATALOGUE[index].id;
        let evidence = Evidence::Incomplete {
            why: why.to_owned(),
            console_tail: tail.to_vec(),
        };
        finish(CaseResult::bare(id, Outcome::Error, why, evidence));
    }
}
