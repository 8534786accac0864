//! The `xl` backend where no Xen host is: its console parsing against a recorded
//! `xl console -t vuart` log (a gicv2 guest's real output, one record garbled on the way), its
//! whole boot flow against a stand-in `xl` that replays that log and keeps a journal of what it
//! was asked (so that every created domain is seen destroyed, after a clean end and after a
//! hang), and the command line on this machine: a skip with the reason and the fix, an error
//! under `--require`, and left out of `--backend all`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Duration;

use guest_kit::{GicVersion, Outcome};
use irqsuite::backend::xl::host::{self, Facts};
use irqsuite::backend::xl::{self, TARGETS, Xl, toolstack::Toolstack};
use irqsuite::backend::{Backend, Limits, NEVER};
use irqsuite::events::RunEvent;
use irqsuite::session::{Progress, Session};
use irqsuite::verdict::CaseResult;

/// The recorded console: cases 0 to 8 of the catalogue on a vGICv2, then the final record; the
/// read in record 10 (case 2) arrives with a flipped digit.
const RECORDED: &str = include_str!("fixtures/xl-console-gicv2.log");

/// The cases the recorded guest ran.
const CASES: [usize; 9] = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/// The case whose record is garbled.
const GARBLED_CASE: usize = 2;

const LIMITS: Limits = Limits {
    boot: Duration::from_secs(5),
    case: Duration::from_millis(700),
    stop: &NEVER,
};

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("irqsuite-xl-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn catalogue(index: usize) -> Option<&'static str> {
    irq_cases::CATALOGUE.get(index).map(|c| c.id)
}

#[test]
fn recorded_console_gives_each_case_its_records_reports_the_garbled_one_and_sees_the_end() {
    let mut session = Session::new();
    let mut ended = vec![];
    let mut done_at = None;
    for (n, line) in RECORDED.lines().enumerate() {
        match session.feed(line, &catalogue) {
            Progress::CaseEnded(i) => ended.push(i),
            Progress::Done => done_at = Some(n),
            _ => {}
        }
    }
    assert_eq!(
        done_at,
        Some(RECORDED.lines().count() - 1),
        "the end is the last line"
    );
    assert!(session.done);
    assert_eq!(ended, CASES);
    let info = session.info.expect("the cfg record");
    assert_eq!((info.gic, info.cpus, info.its), (GicVersion::V2, 2, false));
    for case in &session.cases {
        assert!(case.ended, "case {}", case.index);
        match case.index {
            GARBLED_CASE => {
                let damage = case.damage.as_deref().unwrap_or_default();
                assert!(damage.contains("checksum mismatch"), "{damage}");
                assert!(damage.contains("gicd:0x14 4 8"), "names the line: {damage}");
            }
            i => assert_eq!(case.damage, None, "case {i}"),
        }
    }
    // Case 2 read four registers; the garbled read is not among its records.
    let reads = session.cases[GARBLED_CASE]
        .trace
        .iter()
        .filter(|t| matches!(t.observation(), guest_kit::Observation::Read { .. }))
        .count();
    assert_eq!(reads, 3);
    assert!(session.problems.is_empty(), "{:?}", session.problems);
}

/// A stand-in `xl` in `dir`: it keeps a journal of its calls (`dir/calls`) and whether the
/// domain exists (`dir/alive`), and its console replays `console` for the first boot and
/// `later` for every other one. Like xenconsole, its console needs a live input (a pipe).
fn stand_in_xl(dir: &Path, first: &str, later: &str) -> PathBuf {
    let script = format!(
        r#"#!/bin/sh
state='{state}'
echo "$*" >> "$state/calls"
case "$1" in
create)
    [ "$2" = -p ] || exit 2
    [ -e "$state/alive" ] && {{ echo "domain exists" >&2; exit 1; }}
    boots=$(grep -c '^create' "$state/calls")
    cp "$3" "$state/config-$boots" && touch "$state/alive" ;;
domid) [ -e "$state/alive" ] || {{ echo "no such domain" >&2; exit 1; }}; echo 7 ;;
unpause) [ -e "$state/alive" ] ;;
destroy) rm "$state/alive" ;;
console)
    [ "$2 $3" = "-t vuart" ] || exit 2
    # xenconsole ends at the end of its input: it must be the machine's console input.
    [ -p /dev/stdin ] || {{ echo "console input is not the machine's" >&2; exit 3; }}
    if [ "$(grep -c '^create' "$state/calls")" = 1 ]; then {first}; else {later}; fi ;;
*) exit 2 ;;
esac
"#,
        state = dir.display()
    );
    let path = dir.join("xl");
    std::fs::write(&path, script).unwrap();
    Command::new("chmod").arg("+x").arg(&path).status().unwrap();
    path
}

struct Replayed {
    results: Vec<CaseResult>,
    boots: u32,
    /// The stand-in's journal: each call's arguments.
    calls: Vec<String>,
}

fn replay(tag: &str, first: &str, later: &str) -> (Replayed, PathBuf) {
    let dir = scratch(tag);
    let log = dir.join("console.log");
    std::fs::write(&log, RECORDED).unwrap();
    let first = first.replace("LOG", &log.display().to_string());
    let later = later.replace("LOG", &log.display().to_string());
    let toolstack = Toolstack::new(stand_in_xl(&dir, &first, &later));
    let events = Mutex::new(Vec::new());
    let sink = |e: RunEvent| events.lock().unwrap().push(irqsuite::judge::stage(e));
    xl::run_domains(
        &toolstack,
        Path::new("/srv/irqsuite/guest.img"),
        dir.join("configs"),
        &TARGETS[0],
        &CASES,
        LIMITS,
        &sink,
    );
    let mut results = vec![];
    let mut boots = 0;
    for e in events.into_inner().unwrap() {
        match e {
            RunEvent::CaseFinished { result, .. } => results.push(*result),
            RunEvent::TargetFinished { boots: b, .. } => boots = b,
            _ => {}
        }
    }
    let calls = std::fs::read_to_string(dir.join("calls")).unwrap();
    let calls = calls.lines().map(str::to_owned).collect();
    (
        Replayed {
            results,
            boots,
            calls,
        },
        dir,
    )
}

/// The journal's creates and destroys, in order.
fn lifecycle(calls: &[String]) -> Vec<&str> {
    calls
        .iter()
        .filter_map(|c| c.split(' ').next())
        .filter(|verb| *verb == "create" || *verb == "destroy")
        .collect()
}

#[test]
fn recorded_run_judges_every_case_in_one_boot_and_destroys_the_domain_at_the_end() {
    let (run, dir) = replay("clean", "cat 'LOG'", "exit 1");
    assert_eq!(run.boots, 1);
    let ids: Vec<&str> = run.results.iter().map(|r| r.id.as_str()).collect();
    let expected: Vec<&str> = CASES.iter().map(|&i| catalogue(i).unwrap()).collect();
    assert_eq!(ids, expected);
    for (i, r) in CASES.iter().zip(&run.results) {
        if *i == GARBLED_CASE {
            assert_eq!(r.outcome, Outcome::Error, "{}", r.reason);
            assert!(r.reason.contains("checksum mismatch"), "{}", r.reason);
        } else {
            assert_ne!(r.outcome, Outcome::Error, "{}: {}", r.id, r.reason);
        }
    }
    assert_eq!(
        lifecycle(&run.calls),
        ["create", "destroy"],
        "{:?}",
        run.calls
    );
    let domain = xl::domain_name(&TARGETS[0]);
    for call in ["console -t vuart", "unpause"] {
        assert!(
            run.calls.contains(&format!("{call} {domain}")),
            "{call}: {:?}",
            run.calls
        );
    }
    let config = std::fs::read_to_string(dir.join("config-1")).unwrap();
    assert!(config.contains("gic_version = \"v2\""), "{config}");
    assert!(config.contains("cmdline = \"irqsuite.run=1ff "), "{config}");
    assert!(
        !dir.join("configs").exists(),
        "the configurations are removed after the run"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_guest_that_hangs_is_destroyed_before_the_next_boot_and_its_cases_are_errors() {
    // The first boot stops after case 3's start record and hangs; the second prints nothing.
    let (run, dir) = replay("hang", "head -n 20 'LOG'; exec sleep 60", "exit 0");
    assert_eq!(run.boots, 2);
    assert_eq!(
        lifecycle(&run.calls),
        ["create", "destroy", "create", "destroy"],
        "{:?}",
        run.calls
    );
    let outcomes: Vec<Outcome> = run.results.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes.len(), CASES.len());
    assert_ne!(outcomes[0], Outcome::Error);
    assert_ne!(outcomes[1], Outcome::Error);
    assert!(
        outcomes[2..].iter().all(|o| *o == Outcome::Error),
        "{outcomes:?}"
    );
    let hung = &run.results[3];
    assert!(hung.reason.contains("timeout"), "{}", hung.reason);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn irqsuite_without_xl(extra: &[&str]) -> (Output, serde_json::Value) {
    let dir = scratch(&format!("noxl{}", extra.len()));
    let json = dir.join("run.json");
    let out = Command::new(env!("CARGO_BIN_EXE_irqsuite"))
        .env("PATH", "/nonexistent")
        .args(["run", "--backend", "xl", "--target", "gicv3", "--results"])
        .arg(dir.join("results"))
        .arg("--json")
        .arg(&json)
        .args(extra)
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    (out, doc)
}

#[test]
fn without_xl_every_case_is_a_skip_with_the_reason_and_the_fix() {
    let (out, doc) = irqsuite_without_xl(&[]);
    assert_eq!(out.status.code(), Some(0));
    let cases = doc["runs"][0]["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    // The same facts as this process's, without xl.
    let expected = host::check(&Facts {
        xl: None,
        ..Facts::probe()
    })
    .unwrap_err();
    for case in cases {
        assert_eq!(case["outcome"], "skip");
        let reason = case["reason"].as_str().unwrap();
        assert!(
            reason.contains("xl (Xen's toolstack) is not installed"),
            "{reason}"
        );
        assert!(reason.contains(&expected.reason), "{reason}");
        assert_eq!(case["evidence"]["fix"], expected.fix.as_str());
    }
}

#[test]
fn without_xl_under_require_the_run_fails() {
    let (out, doc) = irqsuite_without_xl(&["--require"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(doc["runs"][0]["cases"][0]["outcome"], "error");
}

#[test]
fn backend_all_takes_xl_exactly_when_this_machine_can_run_it() {
    let chosen = irqsuite::plan::backends(&["all".to_owned()]).unwrap();
    let taken = chosen.backends.iter().any(|b| b.name() == "xl");
    match Xl.availability() {
        Ok(()) => assert!(taken),
        Err(u) => {
            assert!(!taken);
            let left_out = chosen.left_out.iter().find(|(name, _)| *name == "xl");
            assert_eq!(left_out.map(|(_, why)| why), Some(&u));
        }
    }
}
