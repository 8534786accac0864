//! The boot loop shared by every backend whose guest reports on a console: boot, decode, serve
//! the guest's requests, hand each case's trace to the judging stage as it ends, and when a case
//! kills or hangs the guest, boot again and resume after that case (DESIGN.md, "Guests": one bad
//! case costs one reboot, not the run). It knows nothing of models or outcomes: what it yields
//! is [`CaseTrace`]s, which `judge` turns into results.

use std::collections::HashSet;
use std::io;
use std::process::Command;
use std::time::{Duration, Instant};

use guest_kit::TargetInfo;
use guest_kit::inject::{Inject, REPLY, Refused};

use super::{CASE_CEILING, Limits, Sink, TargetSpec};
use crate::builds::provenance::{self, BootFacts};
use crate::events::{RunEvent, TargetName};
use crate::exec::{Machine, Next};
use crate::session::{Progress, Session};
use crate::traced::{CaseTrace, Unfinished};

/// The QEMU options of every console backend: no default devices, no display, no monitor, the
/// first serial port on QEMU's standard I/O (which the runner reads and writes).
pub const QEMU_HEADLESS: [&str; 7] = [
    "-nodefaults",
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    "stdio",
];

/// How often a waiting boot loop looks whether the run is to stop.
const STOP_POLL: Duration = Duration::from_millis(100);

/// Why a case the run stopped before has no result.
pub const INTERRUPTED_BEFORE: &str = "the run was interrupted (SIGINT or SIGTERM) before it ran";

/// How long a machine may take to power off after its final record before its group is killed.
const POWER_OFF_GRACE: Duration = Duration::from_secs(3);

/// Builds the command that boots the guest running exactly `cases`.
pub type Launch<'a> = &'a dyn Fn(&[usize]) -> io::Result<Command>;

/// Serves a guest's request to the host (drive a line, send an MSI), or says why it cannot.
pub type Serve<'a> = &'a dyn Fn(Inject) -> Result<(), Refused>;

/// Who answers the guest's requests to the host (`guest_kit::inject`).
#[derive(Clone, Copy)]
pub enum Requests<'a> {
    /// Nobody on the host: each is refused with the reason. Either the backend's targets
    /// declare `Injection::empty()` and the guest never asks (this is the safety net), or what
    /// they declare is served inside the machine and only what that cannot serve reaches the
    /// host (qemu-tcg's x86 targets).
    Refused,
    /// The host, through this function; the answer goes to the console input.
    Host(Serve<'a>),
    /// Something inside the machine (kvm-arm64's VMM) reads the request, acts and answers on
    /// the guest's console input itself; the host stays silent.
    InMachine,
}

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
    /// Who serves the guest's requests.
    pub requests: Requests<'a>,
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

/// Runs `cases` on target `name`, booting with `hooks.launch` as often as needed.
pub fn run(name: TargetName, cases: &[usize], limits: Limits, hooks: Hooks<'_>, sink: Sink<'_>) {
    let launch = |legs: &[Leg<'_>]| (hooks.launch)(legs[0].cases);
    let shared = SharedHooks {
        launch: &launch,
        requests: hooks.requests,
        farewell: hooks.farewell,
        property: hooks.property,
    };
    run_shared(&[(name, cases)], limits, shared, sink);
}

/// One target's share of a boot that runs several targets one after another (one VM each).
#[derive(Clone, Copy, Debug)]
pub struct Leg<'a> {
    /// The target (its name in the backend's table).
    pub target: &'static str,
    /// The cases still to run on it.
    pub cases: &'a [usize],
}

/// Builds the command that boots a machine running `legs` in that order.
pub type LaunchShared<'a> = &'a dyn Fn(&[Leg<'_>]) -> io::Result<Command>;

/// [`Hooks`] for a machine that runs several targets in one boot.
#[derive(Clone, Copy)]
pub struct SharedHooks<'a> {
    /// Boots the machine for the legs still to run.
    pub launch: LaunchShared<'a>,
    /// Who serves the guests' requests.
    pub requests: Requests<'a>,
    /// Typed after the last leg's final record (see [`Hooks::farewell`]).
    pub farewell: &'a [&'a str],
    /// Reads the backend's own lines about the case in progress (see [`Hooks::property`]).
    pub property: CaseProperty<'a>,
}

/// How much of a target's console is kept for its `console.log`; past it the log says where it
/// was cut (a guest flooding its console cannot exhaust the runner's memory or disk).
pub const CONSOLE_LIMIT: usize = 16 << 20;

/// What the run knows of one target.
struct Target {
    name: TargetName,
    /// The cases still owed a result, ascending.
    remaining: Vec<usize>,
    /// The cases that have their result: each is judged once, whatever the guest prints.
    judged: HashSet<usize>,
    console: Vec<String>,
    /// Bytes of console kept so far.
    console_bytes: usize,
    info: Option<TargetInfo>,
    boots: u32,
    start: Option<Instant>,
    facts: BootFacts,
    /// What was wrong with its consoles outside any case.
    problems: Vec<String>,
}

impl Target {
    /// Keeps `line` in the console log, up to [`CONSOLE_LIMIT`].
    fn keep(&mut self, line: String) {
        if self.console_bytes > CONSOLE_LIMIT {
            return;
        }
        self.console_bytes += line.len() + 1;
        match self.console_bytes > CONSOLE_LIMIT {
            true => self.console.push(format!(
                "[irqsuite: the console was cut here, after {CONSOLE_LIMIT} bytes]"
            )),
            false => self.console.push(line),
        }
    }

    /// Whether `index` is owed a result (asked for, not judged yet); marks it judged when so.
    fn take(&mut self, index: usize) -> bool {
        self.remaining.contains(&index) && self.judged.insert(index)
    }

    fn finished(&self, sink: Sink<'_>) {
        sink(RunEvent::TargetFinished {
            name: self.name.clone(),
            info: self.info,
            boots: self.boots,
            elapsed: self.start.map_or(Duration::ZERO, |s| s.elapsed()),
            console: self.console.clone(),
            facts: self.facts.clone(),
            problems: self.problems.clone(),
        });
    }
}

/// Runs every target of `legs` (name, cases) in one boot, one guest after another, in the order
/// given; when a guest dies or hangs, boots again for what is left, resuming after the case that
/// killed it. Every case gets its `CaseFinished`, every target its `TargetFinished`.
///
/// Each boot either judges at least one case of its first leg or gives that leg up (a guest
/// that runs no case will not run one on the next boot either), so the loop ends.
pub fn run_shared(
    legs: &[(TargetName, &[usize])],
    limits: Limits,
    hooks: SharedHooks<'_>,
    sink: Sink<'_>,
) {
    let mut targets: Vec<Target> = legs
        .iter()
        .map(|(name, cases)| Target {
            name: name.clone(),
            remaining: cases.to_vec(),
            judged: HashSet::new(),
            console: Vec::new(),
            console_bytes: 0,
            info: None,
            boots: 0,
            start: None,
            facts: BootFacts::default(),
            problems: Vec::new(),
        })
        .collect();
    for t in targets.iter().filter(|t| t.remaining.is_empty()) {
        t.finished(sink);
    }
    loop {
        let active: Vec<usize> = (0..targets.len())
            .filter(|&i| !targets[i].remaining.is_empty())
            .collect();
        if active.is_empty() {
            break;
        }
        if limits.stopped() {
            // No machine boots once the run is to stop: what is left is not run, and says why.
            for &i in &active {
                let t = &mut targets[i];
                not_run(&t.remaining, &t.name, INTERRUPTED_BEFORE, &[], sink);
                t.remaining.clear();
                t.finished(sink);
            }
            break;
        }
        let plan: Vec<Leg<'_>> = active
            .iter()
            .map(|&i| Leg {
                target: targets[i].name.target,
                cases: &targets[i].remaining,
            })
            .collect();
        let machine = (hooks.launch)(&plan).and_then(|cmd| {
            let line = provenance::command_line(&cmd);
            Machine::start(cmd).map(|machine| (machine, line))
        });
        let machine = match machine {
            Ok((machine, line)) => {
                for &i in &active {
                    targets[i].facts.machine.get_or_insert_with(|| line.clone());
                }
                machine
            }
            Err(e) => {
                let why = format!("could not start the machine: {e}");
                for &i in &active {
                    let t = &mut targets[i];
                    t.boots += 1;
                    not_run(&t.remaining, &t.name, &why, &[], sink);
                    t.remaining.clear();
                    t.finished(sink);
                }
                break;
            }
        };
        let boot = one_boot(machine, limits, hooks, &mut targets, &active, sink);
        if let Some(printed) = &boot.printed {
            for &i in &active {
                let facts = &mut targets[i].facts;
                facts.hypervisor.get_or_insert_with(|| printed.clone());
            }
        }
        for (n, session) in boot.sessions.iter().enumerate() {
            let t = &mut targets[active[n]];
            t.info = session.info.or(t.info);
            let last_leg = n + 1 == boot.sessions.len();
            let tail = session.tail();
            let unfinished = Unfinished {
                why: boot.ending.clone(),
                console_tail: tail.clone(),
            };
            let boot_number = t.boots;
            t.problems.extend(
                session
                    .problems
                    .iter()
                    .map(|p| format!("boot {boot_number}: {p}")),
            );
            for printed in &session.cases {
                // Only a case owed a result is judged, once: a guest that runs a case it was
                // not asked for, or one again, adds no instance.
                if t.take(printed.index) {
                    let trace = CaseTrace::Printed {
                        case: printed.clone(),
                        info: t.info,
                        unfinished: Some(unfinished.clone()),
                        properties: Default::default(),
                    };
                    traced(&t.name, trace, sink);
                }
            }
            let judged_now: Vec<usize> = session
                .cases
                .iter()
                .map(|c| c.index)
                .filter(|i| t.judged.contains(i) && t.remaining.contains(i))
                .collect();
            match judged_now.iter().max() {
                Some(&last) => {
                    // Resume after the last case this boot judged; a case before it that the
                    // guest passed over is an error, never lost.
                    let passed: Vec<usize> = t
                        .remaining
                        .iter()
                        .copied()
                        .filter(|&i| i < last && !t.judged.contains(&i))
                        .collect();
                    let why = "the guest passed over it (it ran a later case in the same boot)";
                    not_run(&passed, &t.name, why, &tail, sink);
                    t.remaining.retain(|&i| i > last);
                    if session.done && !t.remaining.is_empty() {
                        let why = "the guest finished without running it";
                        not_run(&t.remaining, &t.name, why, &tail, sink);
                        t.remaining.clear();
                    }
                }
                // The guest of this leg ran none of its cases: no boot will do better, so
                // every boot judges a case or ends the leg (boots <= cases + 1).
                None => {
                    let mut evidence = tail;
                    if last_leg {
                        evidence.extend(boot.stderr.iter().cloned());
                    }
                    let ran = session.cases.len();
                    let why = match ran {
                        0 => format!("the guest ran no case: {}", boot.ending),
                        n => format!(
                            "the guest ran none of the cases it was asked for ({n} others): {}",
                            boot.ending
                        ),
                    };
                    not_run(&t.remaining, &t.name, &why, &evidence, sink);
                    t.remaining.clear();
                }
            }
            if t.remaining.is_empty() {
                t.finished(sink);
            }
        }
    }
}

struct Boot {
    /// Each leg's guest session, in order.
    sessions: Vec<Session>,
    ending: String,
    stderr: Vec<String>,
    /// The version the hypervisor printed before the first guest's configuration record.
    printed: Option<String>,
}

fn one_boot(
    mut machine: Machine,
    limits: Limits,
    hooks: SharedHooks<'_>,
    targets: &mut [Target],
    active: &[usize],
    sink: Sink<'_>,
) -> Boot {
    let mut sessions = vec![Session::new()];
    let start_leg = |t: &mut Target| {
        t.boots += 1;
        t.start.get_or_insert_with(Instant::now);
        sink(RunEvent::Booting {
            name: t.name.clone(),
            attempt: t.boots,
        });
    };
    start_leg(&mut targets[active[0]]);
    let mut properties = std::collections::BTreeMap::new();
    let mut printed = None;
    let mut deadline = Instant::now() + limits.boot;
    let mut waiting = limits.boot;
    // When the case in progress must end whatever it reports (see `CASE_CEILING`).
    let mut ceiling: Option<Instant> = None;
    let ending = loop {
        let leg = sessions.len() - 1;
        let target = &mut targets[active[leg]];
        // Wait in slices, so that a stop request is heard within one.
        match machine.next_line(deadline.min(Instant::now() + STOP_POLL)) {
            Next::Line(line) => {
                // Only what comes before the first guest speaks is the hypervisor's own.
                if printed.is_none() && leg == 0 && sessions[0].info.is_none() {
                    printed = provenance::printed_version(&line);
                }
                if let Some((name, value)) = (hooks.property)(&line) {
                    properties.insert(name, value);
                }
                let current = &mut sessions[leg];
                let progress = current.feed(&line, &catalogue_id);
                target.keep(line);
                match progress {
                    Progress::Nothing => continue,
                    Progress::Observed => {
                        // A case that reports is alive: it gets another `limits.case`, up to
                        // its ceiling.
                        let next = Instant::now() + limits.case;
                        deadline = ceiling.map_or(next, |c| next.min(c));
                        waiting = limits.case;
                        continue;
                    }
                    Progress::Done if leg + 1 < active.len() => {
                        sessions.push(Session::new());
                        start_leg(&mut targets[active[leg + 1]]);
                        deadline = Instant::now() + limits.boot;
                        waiting = limits.boot;
                        continue;
                    }
                    Progress::Done => {
                        for line in hooks.farewell {
                            // A machine that cannot hear it is killed after the grace period.
                            let _ = machine.send_line(line);
                        }
                        break "the guest finished".to_owned();
                    }
                    Progress::CaseEnded(_) => {
                        ceiling = None;
                        if let Some(printed) = current.cases.last()
                            && target.take(printed.index)
                        {
                            let trace = CaseTrace::Printed {
                                case: printed.clone(),
                                info: current.info,
                                unfinished: None,
                                properties: std::mem::take(&mut properties),
                            };
                            traced(&target.name, trace, sink);
                        }
                    }
                    Progress::Request { id, request } => {
                        let served = match hooks.requests {
                            Requests::InMachine => None,
                            Requests::Refused => Some(Err(request.refusal().1)),
                            Requests::Host(serve) => Some(serve(request)),
                        };
                        if let Some(served) = served {
                            // A guest that cannot hear the answer times out, as for a hang.
                            let _ = machine.send_line(&answer(id, request, served));
                        }
                    }
                    Progress::CaseStarted(_) => {
                        properties.clear();
                        ceiling = Some(Instant::now() + limits.case * CASE_CEILING);
                    }
                    Progress::Configured => {}
                }
                deadline = Instant::now() + limits.case;
                waiting = limits.case;
            }
            Next::Timeout if limits.stopped() => {
                break "the run was interrupted (SIGINT or SIGTERM): killed".to_owned();
            }
            Next::Timeout if Instant::now() < deadline => continue,
            Next::Timeout if ceiling.is_some_and(|c| Instant::now() >= c) => {
                let most = (limits.case * CASE_CEILING).as_secs();
                break format!("the case ran past {most} s though it kept reporting: killed");
            }
            Next::Timeout => {
                break format!("no progress for {} s (timeout): killed", waiting.as_secs());
            }
            Next::Closed => break "the machine exited before the final record".to_owned(),
        }
    };
    // A run that is to stop does not wait for the machine to power off.
    let grace = match limits.stopped() {
        true => Duration::ZERO,
        false => POWER_OFF_GRACE,
    };
    let status = machine.finish(grace);
    let done = sessions.last().is_some_and(|s| s.done);
    let ending = match status {
        Some(s) if !done => format!("{ending} ({s})"),
        _ => ending,
    };
    Boot {
        sessions,
        ending,
        stderr: machine.stderr(),
        printed,
    }
}

/// Hands case `trace` of target `name` to the judging stage.
fn traced(name: &TargetName, trace: CaseTrace, sink: Sink<'_>) {
    sink(RunEvent::CaseTraced {
        name: name.clone(),
        trace: Box::new(trace),
    });
}

/// The console line answering request `id`.
fn answer(id: u32, request: Inject, served: Result<(), Refused>) -> String {
    match served {
        Ok(()) => format!("{REPLY}{id} ok"),
        Err(_) => format!("{REPLY}{id} no {}", request.refusal().0),
    }
}

/// Says of each of `cases` that it never started, and why.
fn not_run(cases: &[usize], name: &TargetName, why: &str, tail: &[String], sink: Sink<'_>) {
    for &index in cases {
        let trace = CaseTrace::NotRun {
            index,
            why: why.to_owned(),
            console_tail: tail.to_vec(),
        };
        traced(name, trace, sink);
    }
}
