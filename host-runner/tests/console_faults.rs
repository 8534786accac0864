//! The console boot loop against scripted guests: real processes printing real records, with
//! faults injected (a hang, an exit mid-case, garbage, a guest that never boots). Whatever goes
//! wrong, a case without its end record is an error with evidence, never a pass, and one bad case
//! costs one reboot, not the run. The same scripted consoles, captured to a log with a capture
//! tool's decorations and damage, are judged by `irqsuite judge` ([`irqsuite::judge::log`]).

use std::io;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use guest_kit::inject::Inject;
use guest_kit::protocol::{LineBuf, Record, encode};
use guest_kit::{Arch, GicVersion, Observation, Outcome, TargetInfo};
use irqsuite::backend::{Limits, NEVER, console};
use irqsuite::events::{RunEvent, TargetName};
use irqsuite::observed::Observed;
use irqsuite::replay::{Recorder, run_case};
use irqsuite::verdict::{CaseResult, Evidence};

const INFO: TargetInfo = TargetInfo {
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

const LIMITS: Limits = Limits {
    boot: Duration::from_secs(5),
    case: Duration::from_millis(700),
    stop: &NEVER,
};

/// What the scripted guest does at a given case.
#[derive(Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// Print the case start and its first observation, then hang.
    HangIn(usize),
    /// Print the case start, then exit.
    ExitIn(usize),
    /// Replace the case's first observation with a damaged copy.
    GarbleIn(usize),
    /// Drop the case's second record (a lost line).
    LoseIn(usize),
    /// Report the case's first register read with its lowest bit flipped (a well-formed record
    /// of a value the architecture does not allow).
    WrongValueIn(usize),
    /// Print nothing that decodes.
    NeverBoot,
}

/// The records a conforming guest prints for `cases`, from the reference model's own traces.
fn script(cases: &[usize], fault: Fault) -> Vec<String> {
    let mut seq = 0;
    let mut lines = vec!["firmware banner".to_owned()];
    let put = |lines: &mut Vec<String>, seq: &mut u32, r: Record<'_>| {
        let mut buf = LineBuf::default();
        lines.push(encode(*seq, &r, &mut buf).unwrap().to_owned());
        *seq += 1;
    };
    if fault == Fault::NeverBoot {
        return vec!["panic: no device tree".into()];
    }
    put(&mut lines, &mut seq, Record::Config(INFO));
    for &i in cases {
        let case = &irq_cases::CATALOGUE[i];
        put(
            &mut lines,
            &mut seq,
            Record::CaseStart {
                index: i as u16,
                id: case.id,
            },
        );
        if fault == Fault::ExitIn(i) {
            return lines;
        }
        let mut rec = Recorder::default();
        run_case(case, INFO, &mut rec);
        for (n, obs) in rec.observations.iter().enumerate() {
            if fault == Fault::LoseIn(i) && n == 1 {
                seq += 1;
                continue;
            }
            let mut obs = *obs;
            if fault == Fault::WrongValueIn(i)
                && n == first_read(&rec.observations)
                && let Observation::Read { value, .. } = &mut obs
            {
                *value ^= 1;
            }
            put(&mut lines, &mut seq, Record::Obs(obs));
            if n == 0 && fault == Fault::GarbleIn(i) {
                let last = lines.last_mut().unwrap();
                let mut bytes = last.clone().into_bytes();
                let k = bytes.len() / 2;
                bytes[k] = if bytes[k] == b'x' { b'y' } else { b'x' };
                *last = String::from_utf8(bytes).unwrap();
            }
            if fault == Fault::HangIn(i) {
                lines.push("HANG".into());
                return lines;
            }
        }
        put(&mut lines, &mut seq, Record::CaseEnd { index: i as u16 });
    }
    put(
        &mut lines,
        &mut seq,
        Record::Done {
            cases: cases.len() as u16,
        },
    );
    lines
}

/// The index of the first register read of a trace.
fn first_read(trace: &[Observation<'_>]) -> usize {
    trace
        .iter()
        .position(|o| matches!(o, Observation::Read { .. }))
        .unwrap_or(usize::MAX)
}

/// A launcher that boots a shell printing `script(remaining, fault)`; the fault only in the
/// first boot.
struct Guest {
    fault: Fault,
    boots: Mutex<u32>,
    dir: PathBuf,
}

impl Guest {
    fn new(fault: Fault, tag: &str) -> Guest {
        let dir = std::env::temp_dir().join(format!("irqsuite-fake-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Guest {
            fault,
            boots: Mutex::new(0),
            dir,
        }
    }

    fn launch(&self, cases: &[usize]) -> io::Result<Command> {
        let mut boots = self.boots.lock().unwrap();
        *boots += 1;
        let fault = if *boots == 1 { self.fault } else { Fault::None };
        let mut text = String::new();
        for line in script(cases, fault) {
            if line == "HANG" {
                text.push_str("#HANG\n");
            } else {
                text.push_str(&line);
                text.push('\n');
            }
        }
        let path = self.dir.join(format!("boot{boots}.txt"));
        let (body, hang) = match text.split_once("#HANG\n") {
            Some((body, _)) => (body.to_owned(), true),
            None => (text, false),
        };
        std::fs::write(&path, body)?;
        let mut cmd = Command::new("sh");
        let tail = if hang { "; exec sleep 60" } else { "" };
        cmd.arg("-c").arg(format!("cat '{}'{tail}", path.display()));
        Ok(cmd)
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What the boot loop reported of one target.
#[derive(Default)]
struct Run {
    results: Vec<CaseResult>,
    boots: u32,
    console: Vec<String>,
    facts: irqsuite::builds::provenance::BootFacts,
    problems: Vec<String>,
}

/// Runs `cases` on target `fake/gicv3` booted by `launch` (requests refused, no farewell) and
/// collects what the loop reported.
fn run_launched(launch: console::Launch<'_>, cases: &[usize]) -> Run {
    run_launched_with(launch, cases, LIMITS)
}

/// [`run_launched`] within `limits`.
fn run_launched_with(launch: console::Launch<'_>, cases: &[usize], limits: Limits) -> Run {
    let events = Mutex::new(Vec::new());
    let sink = |e: RunEvent| events.lock().unwrap().push(irqsuite::judge::stage(e));
    let hooks = console::Hooks {
        launch,
        requests: console::Requests::Refused,
        farewell: &[],
        property: &console::no_property,
    };
    console::run(
        TargetName::new("fake", "gicv3"),
        cases,
        limits,
        hooks,
        &sink,
    );
    let mut run = Run::default();
    for e in events.into_inner().unwrap() {
        match e {
            RunEvent::CaseFinished { result, .. } => run.results.push(*result),
            RunEvent::TargetFinished {
                boots,
                console,
                facts,
                problems,
                ..
            } => {
                (run.boots, run.console, run.facts, run.problems) =
                    (boots, console, facts, problems)
            }
            _ => {}
        }
    }
    run
}

fn run(fault: Fault, cases: &[usize], tag: &str) -> Run {
    let guest = Guest::new(fault, tag);
    run_launched(&|c: &[usize]| guest.launch(c), cases)
}

/// A machine that prints `lines` (written to `dir/name`) and exits.
fn printing(dir: &std::path::Path, name: &str, lines: &[String]) -> io::Result<Command> {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n")?;
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("cat '{}'", path.display()));
    Ok(cmd)
}

fn outcomes(run: &Run) -> Vec<Outcome> {
    run.results.iter().map(|r| r.outcome).collect()
}

/// The first three catalogue cases that the GICv3 shape runs (not skips).
fn three_cases() -> Vec<usize> {
    let runnable = irq_cases::CATALOGUE
        .iter()
        .enumerate()
        .filter(|(_, c)| c.needs.unmet(&INFO).is_none());
    runnable.map(|(i, _)| i).take(3).collect()
}

#[test]
fn conforming_guest_passes_every_case_in_one_boot() {
    let cases = three_cases();
    let run = run(Fault::None, &cases, "ok");
    assert_eq!(outcomes(&run), [Outcome::Pass; 3]);
    assert_eq!(run.boots, 1);
}

#[test]
fn hang_in_a_case_is_an_error_with_console_tail_and_the_run_resumes_after_it() {
    let cases = three_cases();
    let run = run(Fault::HangIn(cases[1]), &cases, "hang");
    assert_eq!(
        outcomes(&run),
        [Outcome::Pass, Outcome::Error, Outcome::Pass]
    );
    assert_eq!(run.boots, 2, "one reboot for the dead case");
    let Evidence::Incomplete { why, console_tail } = &run.results[1].evidence else {
        panic!("hang evidence: {:?}", run.results[1].evidence)
    };
    assert!(why.contains("timeout"), "{why}");
    assert!(
        console_tail.iter().any(|l| l.contains(" rd ")),
        "{console_tail:?}"
    );
}

#[test]
fn machine_exiting_mid_case_is_an_error_never_a_pass() {
    let cases = three_cases();
    let run = run(Fault::ExitIn(cases[0]), &cases, "exit");
    assert_eq!(
        outcomes(&run),
        [Outcome::Error, Outcome::Pass, Outcome::Pass]
    );
    assert!(
        run.results[0]
            .reason
            .contains("exited before the final record"),
        "{}",
        run.results[0].reason
    );
}

#[test]
fn garbled_record_makes_its_case_an_error_not_a_misread() {
    let cases = three_cases();
    let run = run(Fault::GarbleIn(cases[2]), &cases, "garble");
    assert_eq!(
        outcomes(&run),
        [Outcome::Pass, Outcome::Pass, Outcome::Error]
    );
    assert!(
        run.results[2].reason.contains("checksum"),
        "{}",
        run.results[2].reason
    );
    assert_eq!(run.boots, 1, "a garbled line needs no reboot");
}

#[test]
fn lost_record_is_detected_by_its_sequence_number() {
    let cases = three_cases();
    let run = run(Fault::LoseIn(cases[0]), &cases, "lose");
    assert_eq!(outcomes(&run)[0], Outcome::Error);
    assert!(
        run.results[0].reason.contains("lost"),
        "{}",
        run.results[0].reason
    );
}

#[test]
fn guest_that_never_boots_errors_every_case_with_the_console() {
    let cases = three_cases();
    let run = run(Fault::NeverBoot, &cases, "noboot");
    assert_eq!(outcomes(&run), [Outcome::Error; 3]);
    let Evidence::Incomplete { console_tail, .. } = &run.results[0].evidence else {
        panic!("{:?}", run.results[0].evidence)
    };
    assert!(
        console_tail.iter().any(|l| l.contains("no device tree")),
        "{console_tail:?}"
    );
    assert_eq!(run.boots, 1, "no boot loop on a guest that cannot boot");
}

#[test]
fn target_departing_from_the_model_fails_naming_the_register_and_both_values() {
    let cases = three_cases();
    let with_read = cases
        .iter()
        .position(|&i| {
            let mut rec = Recorder::default();
            run_case(&irq_cases::CATALOGUE[i], INFO, &mut rec);
            first_read(&rec.observations) != usize::MAX
        })
        .expect("a case that reads a register");
    let run = run(Fault::WrongValueIn(cases[with_read]), &cases, "wrong");
    let result = &run.results[with_read];
    assert_eq!(result.outcome, Outcome::Fail, "{}", result.reason);
    let Evidence::Divergence {
        target: Some(t),
        model: Some(m),
        ..
    } = &result.evidence
    else {
        panic!("divergence evidence: {:?}", result.evidence)
    };
    let (
        Observed::Read {
            register: rt,
            value: vt,
            ..
        },
        Observed::Read {
            register: rm,
            value: vm,
            ..
        },
    ) = (t, m)
    else {
        panic!("both sides are reads: {t:?} / {m:?}")
    };
    assert_eq!(rt, rm);
    assert_ne!(vt, vm);
    assert!(
        result.reason.contains(rt.as_str())
            && result.reason.contains(vt.as_str())
            && result.reason.contains(vm.as_str()),
        "{}",
        result.reason
    );
    let others: Vec<_> = run
        .results
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != with_read)
        .map(|(_, r)| r.outcome)
        .collect();
    assert!(others.iter().all(|o| *o == Outcome::Pass), "{others:?}");
}

#[test]
fn a_guest_request_is_answered_on_the_console_input() {
    let dir = std::env::temp_dir().join(format!("irqsuite-fake-req-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (before, after, heard) = (dir.join("before"), dir.join("after"), dir.join("heard"));
    let index = three_cases()[0];
    let case = &irq_cases::CATALOGUE[index];
    let mut seq = 0;
    let mut line = |r: Record<'_>| {
        let text = encode(seq, &r, &mut LineBuf::default()).unwrap().to_owned();
        seq += 1;
        text + "\n"
    };
    let request = Inject::Line {
        intid: 45,
        high: true,
    };
    let mut head = line(Record::Config(INFO));
    head += &line(Record::CaseStart {
        index: index as u16,
        id: case.id,
    });
    head += &line(Record::Request { id: 0, request });
    std::fs::write(&before, head).unwrap();
    let tail = line(Record::Obs(Observation::Check {
        label: "x",
        got: 1,
        expected: 1,
    })) + &line(Record::CaseEnd {
        index: index as u16,
    }) + &line(Record::Done { cases: 1 });
    std::fs::write(&after, tail).unwrap();
    let script = format!(
        "cat '{}'; read answer; echo \"$answer\" > '{}'; cat '{}'",
        before.display(),
        heard.display(),
        after.display()
    );
    let launch = |_: &[usize]| {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(&script);
        Ok(cmd)
    };
    let hooks = console::Hooks {
        launch: &launch,
        requests: console::Requests::Refused,
        farewell: &[],
        property: &console::no_property,
    };
    let sink = |_: RunEvent| {};
    let name = TargetName::new("fake", "gicv3");
    console::run(name, &[index], LIMITS, hooks, &sink);
    let answer = std::fs::read_to_string(&heard).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(answer.trim(), "@@ack 0 no line");
}

#[test]
fn a_machine_that_stays_up_after_the_final_record_is_ended_by_the_farewell_it_hears() {
    let dir = std::env::temp_dir().join(format!("irqsuite-fake-bye-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (records, heard) = (dir.join("records"), dir.join("heard"));
    let cases = three_cases();
    std::fs::write(&records, script(&cases, Fault::None).join("\n") + "\n").unwrap();
    // Like Xen after its domU powered off: up until a key arrives on the console.
    let script = format!(
        "cat '{}'; read key; echo \"$key\" > '{}'",
        records.display(),
        heard.display()
    );
    let launch = |_: &[usize]| {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(&script);
        Ok(cmd)
    };
    let hooks = console::Hooks {
        launch: &launch,
        requests: console::Requests::Refused,
        farewell: &["R"],
        property: &console::no_property,
    };
    let elapsed = Mutex::new(None);
    let outcomes = Mutex::new(Vec::new());
    let sink = |e: RunEvent| match irqsuite::judge::stage(e) {
        RunEvent::TargetFinished { elapsed: t, .. } => *elapsed.lock().unwrap() = Some(t),
        RunEvent::CaseFinished { result, .. } => outcomes.lock().unwrap().push(result.outcome),
        _ => {}
    };
    let name = TargetName::new("fake", "gicv3");
    console::run(name, &cases, LIMITS, hooks, &sink);
    let answer = std::fs::read_to_string(&heard).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(answer.trim(), "R");
    assert_eq!(outcomes.into_inner().unwrap(), [Outcome::Pass; 3]);
    let elapsed = elapsed.into_inner().unwrap().unwrap();
    // Killed after the power-off grace (3 s) had it not heard the key.
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

/// A launcher for a machine that runs several targets one after another (kvm-arm64's VMs in one
/// kernel): each boot prints the script of every leg it is given, in order; `fault` hits leg
/// `faulty` in the first boot only.
struct SharedGuest {
    guest: Guest,
    faulty: usize,
}

impl SharedGuest {
    fn launch(&self, legs: &[console::Leg<'_>]) -> io::Result<Command> {
        let boot = *self.guest.boots.lock().unwrap() + 1;
        let mut lines = Vec::new();
        for leg in legs {
            let index = if leg.target == "gicv3" { 0 } else { 1 };
            let fault = if boot == 1 && index == self.faulty {
                self.guest.fault
            } else {
                Fault::None
            };
            lines.extend(script(leg.cases, fault));
        }
        *self.guest.boots.lock().unwrap() += 1;
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let path = self.guest.dir.join(format!("boot{boot}.txt"));
        let (body, hang) = match text.split_once("HANG\n") {
            Some((body, _)) => (body.to_owned(), true),
            None => (text, false),
        };
        std::fs::write(&path, body)?;
        let tail = if hang { "; exec sleep 60" } else { "" };
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(format!("cat '{}'{tail}", path.display()));
        Ok(cmd)
    }
}

/// Runs two targets, `gicv3` then `gicv3-its` (both the GICv3 script), in shared boots.
fn run_shared(fault: Fault, faulty: usize, cases: &[usize], tag: &str) -> [Run; 2] {
    let guest = SharedGuest {
        guest: Guest::new(fault, tag),
        faulty,
    };
    let events = Mutex::new(Vec::new());
    let sink = |e: RunEvent| events.lock().unwrap().push(irqsuite::judge::stage(e));
    let name = |target| TargetName::new("fake", target);
    let legs = [(name("gicv3"), cases), (name("gicv3-its"), cases)];
    let launch = |legs: &[console::Leg<'_>]| guest.launch(legs);
    let hooks = console::SharedHooks {
        launch: &launch,
        requests: console::Requests::Refused,
        farewell: &[],
        property: &console::no_property,
    };
    console::run_shared(&legs, LIMITS, hooks, &sink);
    let mut runs = [Run::default(), Run::default()];
    for e in events.into_inner().unwrap() {
        let (target, run) = match &e {
            RunEvent::CaseFinished { name, .. } | RunEvent::TargetFinished { name, .. } => {
                (name.target, e)
            }
            _ => continue,
        };
        let leg = &mut runs[usize::from(target != "gicv3")];
        match run {
            RunEvent::CaseFinished { result, .. } => leg.results.push(*result),
            RunEvent::TargetFinished { boots, .. } => leg.boots = boots,
            _ => {}
        }
    }
    runs
}

#[test]
fn targets_sharing_a_boot_run_one_after_another_in_one_boot() {
    let cases = three_cases();
    let [first, second] = run_shared(Fault::None, 0, &cases, "shared-ok");
    assert_eq!(outcomes(&first), [Outcome::Pass; 3]);
    assert_eq!(outcomes(&second), [Outcome::Pass; 3]);
    assert_eq!((first.boots, second.boots), (1, 1));
}

#[test]
fn a_hang_in_the_first_of_two_shared_targets_costs_one_reboot_for_the_rest_of_both() {
    let cases = three_cases();
    let [first, second] = run_shared(Fault::HangIn(cases[1]), 0, &cases, "shared-hang");
    assert_eq!(
        outcomes(&first),
        [Outcome::Pass, Outcome::Error, Outcome::Pass]
    );
    assert_eq!(outcomes(&second), [Outcome::Pass; 3]);
    assert_eq!(
        (first.boots, second.boots),
        (2, 1),
        "the second target first runs in the reboot"
    );
}

#[test]
fn a_machine_dying_in_the_second_shared_target_reboots_for_that_target_only() {
    let cases = three_cases();
    let [first, second] = run_shared(Fault::ExitIn(cases[2]), 1, &cases, "shared-exit");
    assert_eq!(outcomes(&first), [Outcome::Pass; 3]);
    assert_eq!(
        outcomes(&second),
        [Outcome::Pass, Outcome::Pass, Outcome::Error]
    );
    assert_eq!(
        (first.boots, second.boots),
        (1, 1),
        "nothing was left to reboot for"
    );
}

/// What a boot shows of the machine goes with the target's results: its command line, and the
/// version the hypervisor printed before the guest spoke; a version line printed later (by the
/// guest, or forged on its console) is not taken for the hypervisor's.
#[test]
fn the_hypervisors_banner_and_the_command_line_are_the_boots_facts() {
    let cases = three_cases();
    let dir = std::env::temp_dir().join(format!("irqsuite-fake-banner-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let launch = |c: &[usize]| -> io::Result<Command> {
        let mut lines = vec!["(XEN) Xen version 4.99.1 (test) debug=n".to_owned()];
        let mut guest = script(c, Fault::None);
        // After the guest's cfg record: a forged banner.
        guest.insert(1, "(XEN) Xen version 0.0 forged".to_owned());
        lines.extend(guest);
        printing(&dir, "boot.txt", &lines)
    };
    let facts = run_launched(&launch, &cases).facts;
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        facts.hypervisor.as_deref(),
        Some("Xen version 4.99.1 (test) debug=n")
    );
    let machine = facts.machine.unwrap_or_default();
    assert!(machine.starts_with("sh -c 'cat "), "{machine}");
}

/// A console as a capture tool saves it: each line with a timestamp and Xen's domU prefix and a
/// CRLF, kernel noise between the lines.
fn captured(lines: &[String]) -> Vec<u8> {
    let mut log = String::new();
    for (n, line) in lines.iter().enumerate() {
        log.push_str(&format!(
            "[{:5}.{:06}] (XEN) DOM1: {line}\r\n",
            n / 100,
            n % 1000
        ));
        if n % 7 == 3 {
            log.push_str(
                "[    5.000000] virtio_blk virtio1: [vda] 2097152 512-byte logical blocks\r\n",
            );
        }
    }
    log.into_bytes()
}

fn judge_log(log: &[u8]) -> irqsuite::judge::log::JudgedLog {
    use irqsuite::judge::log;
    log::judge(log::lines(log))
}

/// The results the judging stage gives `judged`'s traces.
fn results(judged: &irqsuite::judge::log::JudgedLog) -> Vec<irqsuite::verdict::CaseResult> {
    judged
        .traces
        .iter()
        .map(|t| irqsuite::judge::trace(t.clone()))
        .collect()
}

fn judged_outcomes(judged: &irqsuite::judge::log::JudgedLog) -> Vec<(usize, Outcome)> {
    let index = |id: &str| irq_cases::find(id).map(|(i, _)| i).unwrap();
    results(judged)
        .iter()
        .map(|r| (index(&r.id), r.outcome))
        .collect()
}

#[test]
fn a_captured_log_with_timestamps_prefixes_crlf_and_noise_judges_as_the_run() {
    let cases = three_cases();
    let judged = judge_log(&captured(&script(&cases, Fault::None)));
    let pass: Vec<_> = cases.iter().map(|&i| (i, Outcome::Pass)).collect();
    assert_eq!(judged_outcomes(&judged), pass);
    assert_eq!((judged.boots, judged.info), (1, Some(INFO)));
    assert!(judged.problems.is_empty(), "{:?}", judged.problems);
}

#[test]
fn a_truncated_log_errs_on_the_cut_case_keeps_the_others_and_says_it_ended_early() {
    let cases = three_cases();
    let mut lines = script(&cases, Fault::HangIn(cases[1]));
    lines.retain(|l| l != "HANG");
    let judged = judge_log(&captured(&lines));
    assert_eq!(
        judged_outcomes(&judged),
        [(cases[0], Outcome::Pass), (cases[1], Outcome::Error)]
    );
    let reason = &results(&judged)[1].reason;
    assert!(reason.contains("log ends"), "{reason}");
    assert!(judged.problems.iter().any(|p| p.contains("final record")));
}

#[test]
fn a_reset_in_the_middle_is_a_second_boot_that_resumes_after_the_case_it_killed() {
    let cases = three_cases();
    let mut lines = script(&cases, Fault::ExitIn(cases[1]));
    lines.extend(script(&cases[2..], Fault::None));
    let judged = judge_log(&captured(&lines));
    assert_eq!(
        judged_outcomes(&judged),
        [
            (cases[0], Outcome::Pass),
            (cases[1], Outcome::Error),
            (cases[2], Outcome::Pass)
        ]
    );
    let reason = &results(&judged)[1].reason;
    assert!(reason.contains("reset"), "{reason}");
    assert_eq!(judged.boots, 2);
    assert!(judged.problems.is_empty(), "{:?}", judged.problems);
}

#[test]
fn a_record_split_across_two_lines_is_damage_on_its_case_alone() {
    let cases = three_cases();
    let mut lines = script(&cases, Fault::None);
    // The second case's first observation, wrapped by the capture tool at its middle.
    let start = lines
        .iter()
        .position(|l| l.contains(irq_cases::CATALOGUE[cases[1]].id))
        .unwrap();
    let record = lines.remove(start + 1);
    let (head, tail) = record.split_at(record.len() / 2);
    lines.insert(start + 1, tail.to_owned());
    lines.insert(start + 1, head.to_owned());
    let judged = judge_log(&captured(&lines));
    assert_eq!(
        judged_outcomes(&judged),
        [
            (cases[0], Outcome::Pass),
            (cases[1], Outcome::Error),
            (cases[2], Outcome::Pass)
        ]
    );
}

#[test]
fn a_log_without_any_record_judges_nothing_and_says_so() {
    let judged = judge_log(b"U-Boot 2024.01\r\nStarting kernel ...\r\n\xff\xfe garbage\n");
    assert!(judged.traces.is_empty());
    assert!(
        judged
            .problems
            .iter()
            .any(|p| p.contains("no irqsuite record"))
    );
}

/// `lines` with every record's sequence number rewritten to count from 0 in order (a hostile
/// guest's inserted records check out as well as its real ones).
fn resequenced(lines: &[String]) -> Vec<String> {
    let mut seq = 0;
    lines
        .iter()
        .map(|line| match guest_kit::protocol::decode_line(line) {
            Ok(Some((_, record))) => {
                let mut buf = LineBuf::default();
                let out = encode(seq, &record, &mut buf).unwrap().to_owned();
                seq += 1;
                out
            }
            _ => line.clone(),
        })
        .collect()
}

fn record(r: Record<'_>) -> String {
    encode(0, &r, &mut LineBuf::default()).unwrap().to_owned()
}

/// Boots `scripts[n]` (whatever was asked) on boot `n + 1`, the last one again after that.
fn run_scripted(scripts: Vec<Vec<String>>, cases: &[usize], tag: &str) -> Run {
    let dir = std::env::temp_dir().join(format!("irqsuite-hostile-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let boots = Mutex::new(0usize);
    let launch = |_: &[usize]| -> io::Result<Command> {
        let mut n = boots.lock().unwrap();
        let lines = &scripts[(*n).min(scripts.len() - 1)];
        *n += 1;
        printing(&dir, &format!("boot{n}.txt"), lines)
    };
    let run = run_launched(&launch, cases);
    std::fs::remove_dir_all(&dir).unwrap();
    run
}

#[test]
fn a_case_past_the_catalogue_and_a_second_cfg_are_no_crash_no_instance_and_no_new_model() {
    let cases = three_cases();
    let mut lines = script(&cases, Fault::None);
    let after_first = lines.iter().position(|l| l.contains(" end ")).unwrap() + 1;
    let past = irq_cases::CATALOGUE.len() as u16;
    let past_id = format!("case {past} (\"gic.nope\") is past the catalogue");
    let gicv2 = TargetInfo {
        gic: GicVersion::V2,
        ..INFO
    };
    let forged = [
        record(Record::CaseStart {
            index: past,
            id: "gic.nope",
        }),
        record(Record::CaseEnd { index: past }),
        record(Record::Config(gicv2)),
    ];
    for (n, line) in forged.into_iter().enumerate() {
        lines.insert(after_first + n, line);
    }
    let run = run_scripted(vec![resequenced(&lines)], &cases, "past");
    assert_eq!(outcomes(&run), [Outcome::Pass; 3], "{:?}", run.results);
    assert_eq!(run.boots, 1);
    // None is lost: each is reported as a problem of the console, with its boot.
    assert_eq!(run.problems.len(), 3, "{:?}", run.problems);
    assert!(run.problems.iter().all(|p| p.starts_with("boot 1: ")));
    assert!(run.problems[0].contains(&past_id), "{:?}", run.problems);
    assert!(run.problems[1].contains(&format!("end record for case {past}")));
    assert!(run.problems[2].contains("second cfg record"));
}

#[test]
fn a_guest_that_restarts_on_its_own_adds_no_duplicate_instance() {
    let cases = three_cases();
    let mut lines = script(&cases[..2], Fault::None);
    lines.pop(); // its final record
    lines.extend(script(&cases, Fault::None)); // the restart, from sequence 0
    let run = run_scripted(vec![lines], &cases, "restart");
    let ids: Vec<&str> = run.results.iter().map(|r| r.id.as_str()).collect();
    let expected: Vec<&str> = cases.iter().map(|&i| irq_cases::CATALOGUE[i].id).collect();
    assert_eq!(ids, expected, "each planned instance exactly once");
    // The rerun of the first two adds nothing; the third, whose records check out after the
    // restart, is judged from them.
    assert_eq!(outcomes(&run), [Outcome::Pass; 3]);
    assert_eq!(run.boots, 1);
}

#[test]
fn a_guest_that_ignores_its_case_list_ends_the_reboots_instead_of_looping() {
    let cases = three_cases();
    // Every boot runs the first case, starts the second and dies, whatever it was asked.
    let boot = script(&cases, Fault::ExitIn(cases[1]));
    let run = run_scripted(vec![boot], &cases, "ignores");
    assert_eq!(
        outcomes(&run),
        [Outcome::Pass, Outcome::Error, Outcome::Error]
    );
    assert!(
        run.results[2]
            .reason
            .contains("none of the cases it was asked for")
    );
    assert_eq!(
        run.boots, 2,
        "a boot that judges nothing it was asked for ends the leg"
    );
}

#[test]
fn a_console_flood_is_cut_in_the_log_and_the_cut_is_said() {
    let cases = three_cases();
    let mut lines = script(&cases, Fault::None);
    let noise = "x".repeat(4000);
    let flood = console::CONSOLE_LIMIT / noise.len() + 10;
    lines.splice(1..1, std::iter::repeat_n(noise, flood));
    let run = run_scripted(vec![lines], &cases, "flood");
    let console = &run.console;
    assert_eq!(outcomes(&run), [Outcome::Pass; 3]);
    let kept: usize = console.iter().map(|l| l.len() + 1).sum();
    assert!(
        kept <= console::CONSOLE_LIMIT + 4096 + 100,
        "{kept} bytes kept"
    );
    assert!(console.last().unwrap().contains("the console was cut here"));
}

/// A machine that prints `lines` (written to `dir/name`) one every `gap`, and exits.
fn slowly_printing(
    dir: &std::path::Path,
    name: &str,
    lines: &[String],
    gap: Duration,
) -> io::Result<Command> {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n")?;
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!(
        "while IFS= read -r l; do printf '%s\\n' \"$l\"; sleep {}; done < '{}'",
        gap.as_secs_f64(),
        path.display()
    ));
    Ok(cmd)
}

/// Runs `lines` (the script of one case) printed one every `gap`.
fn run_slowly(lines: &[String], case: usize, gap: Duration, tag: &str) -> Run {
    let dir = std::env::temp_dir().join(format!("irqsuite-slow-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let launch = |_: &[usize]| slowly_printing(&dir, "boot.txt", lines, gap);
    let run = run_launched(&launch, &[case]);
    std::fs::remove_dir_all(&dir).unwrap();
    run
}

/// A catalogue case of the GICv3 shape with between `min` and `max` observations.
fn case_with_observations(min: usize, max: usize) -> usize {
    (0..irq_cases::CATALOGUE.len())
        .find(|&i| {
            let case = &irq_cases::CATALOGUE[i];
            if case.needs.unmet(&INFO).is_some() {
                return false;
            }
            let mut rec = Recorder::default();
            run_case(case, INFO, &mut rec);
            rec.skipped.is_none() && (min..=max).contains(&rec.observations.len())
        })
        .expect("such a case")
}

#[test]
fn a_case_that_keeps_reporting_outlives_the_case_timeout() {
    // 4 to 8 observations 350 ms apart: longer than the 700 ms case timeout in all, never
    // silent for as long.
    let case = case_with_observations(4, 8);
    let lines = script(&[case], Fault::None);
    let run = run_slowly(&lines, case, Duration::from_millis(350), "alive");
    assert_eq!(outcomes(&run), [Outcome::Pass], "{:?}", run.results);
}

#[test]
fn a_case_that_keeps_reporting_is_cut_at_its_ceiling() {
    let case = case_with_observations(1, 8);
    let mut lines = script(&[case], Fault::None);
    // The case's observations, again and again: 18 of them, 350 ms apart, past the ceiling
    // (6 x 700 ms).
    let start = lines.iter().position(|l| l.contains(" case ")).unwrap() + 1;
    let end = lines.iter().position(|l| l.contains(" end ")).unwrap();
    let body: Vec<String> = lines[start..end].to_vec();
    let repeated: Vec<String> = body.iter().cycle().take(18).cloned().collect();
    lines.splice(start..end, repeated);
    let run = run_slowly(
        &resequenced(&lines),
        case,
        Duration::from_millis(350),
        "ceiling",
    );
    assert_eq!(outcomes(&run), [Outcome::Error], "{:?}", run.results);
    let reason = &run.results[0].reason;
    assert!(
        reason.contains("ran past 4 s though it kept reporting"),
        "{reason}"
    );
}

#[test]
fn a_stop_request_kills_the_machine_within_moments_and_every_case_left_says_why() {
    static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let cases = three_cases();
    let guest = Guest::new(Fault::HangIn(cases[1]), "stop");
    let limits = Limits {
        boot: Duration::from_secs(30),
        case: Duration::from_secs(30),
        stop: &STOP,
    };
    let start = std::time::Instant::now();
    let run = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(400));
            STOP.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        run_launched_with(&|c: &[usize]| guest.launch(c), &cases, limits)
    });
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        outcomes(&run),
        [Outcome::Pass, Outcome::Error, Outcome::Error]
    );
    let reasons: Vec<&str> = run.results.iter().map(|r| r.reason.as_str()).collect();
    assert!(reasons[1].contains("interrupted"), "{}", reasons[1]);
    assert_eq!(reasons[2], console::INTERRUPTED_BEFORE);
    assert_eq!(run.boots, 1, "no machine boots once the run is to stop");
}
