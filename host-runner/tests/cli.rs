//! The `irqsuite` command as a user meets it: the catalogue, a reference run, and bad input
//! (exit status 2 with a clear message, nothing written).

use std::path::PathBuf;
use std::process::{Command, Output};

fn irqsuite(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_irqsuite"))
        .args(args)
        .output()
        .expect("irqsuite runs")
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("irqsuite-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn list_json_shows_at_least_twenty_gic_cases() {
    let out = irqsuite(&["list", "--json"]);
    assert!(out.status.success());
    let cases: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let gic = cases
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["area"] == "gic")
        .count();
    assert!(gic >= 20, "only {gic} GIC cases");
}

#[test]
fn reference_run_passes_every_case_and_writes_results() {
    let dir = scratch("ref");
    let json = dir.join("run.json");
    let out = irqsuite(&[
        "run",
        "--results",
        dir.join("results").to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    for run in doc["runs"].as_array().unwrap() {
        for case in run["cases"].as_array().unwrap() {
            let outcome = case["outcome"].as_str().unwrap();
            assert!(
                outcome == "pass" || outcome == "skip",
                "{} {}: {outcome} {}",
                run["target"],
                case["id"],
                case["reason"]
            );
        }
    }
    for target in ["gicv2", "gicv3"] {
        let folder = dir.join("results/reference").join(target);
        assert!(folder.join("junit.xml").is_file() && folder.join("results.json").is_file());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn assert_usage_error(args: &[&str], message: &str) {
    let dir = scratch("usage");
    let mut all: Vec<&str> = args.to_vec();
    let results = dir.join("results");
    all.extend(["--results", results.to_str().unwrap()]);
    let out = irqsuite(&all);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(message), "{args:?}: {stderr}");
    assert!(!results.exists(), "{args:?} wrote results");
}

#[test]
fn unknown_backend_is_a_usage_error() {
    assert_usage_error(
        &["run", "--backend", "vmware"],
        "unknown backend \"vmware\"",
    );
}

#[test]
fn unknown_target_is_a_usage_error() {
    assert_usage_error(&["run", "--target", "gicv9"], "unknown target \"gicv9\"");
}

#[test]
fn filter_matching_nothing_is_a_usage_error() {
    assert_usage_error(&["run", "--filter", "nosuch.*"], "matches no case");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let out = irqsuite(&["run", "--frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

fn run_without_qemu(extra: &[&str]) -> (Output, serde_json::Value) {
    let dir = scratch(&format!("noqemu{}", extra.len()));
    let json = dir.join("run.json");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_irqsuite"));
    cmd.env("PATH", "/nonexistent").args([
        "run",
        "--backend",
        "qemu-tcg",
        "--target",
        "gicv3",
        "--results",
    ]);
    cmd.arg(dir.join("results"))
        .arg("--json")
        .arg(&json)
        .args(extra);
    let out = cmd.output().unwrap();
    let doc = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    (out, doc)
}

#[test]
fn missing_qemu_is_a_skip_with_the_command_that_fixes_it() {
    let (out, doc) = run_without_qemu(&[]);
    assert_eq!(out.status.code(), Some(0));
    let case = &doc["runs"][0]["cases"][0];
    assert_eq!(case["outcome"], "skip");
    assert_eq!(case["evidence"]["fix"], "irqsuite setup --backend qemu-tcg");
    assert!(
        case["reason"]
            .as_str()
            .unwrap()
            .contains("qemu-system-aarch64 is not installed")
    );
}

#[test]
fn missing_qemu_under_require_is_an_error_and_fails_the_run() {
    let (out, doc) = run_without_qemu(&["--require"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(doc["runs"][0]["cases"][0]["outcome"], "error");
}

#[test]
fn corrupt_baseline_is_a_usage_error() {
    let dir = scratch("badbase");
    std::fs::create_dir_all(&dir).unwrap();
    let base = dir.join("b.toml");
    std::fs::write(&base, "[[divergence]]\ncase = 3\n").unwrap();
    assert_usage_error(&["run", "--baseline", base.to_str().unwrap()], "baseline");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn baseline_entry_that_matches_nothing_is_reported_stale() {
    let dir = scratch("stale");
    std::fs::create_dir_all(&dir).unwrap();
    let base = dir.join("b.toml");
    let entry = "[[divergence]]\ncase = 'gic.sgi-self'\nbackend = 'reference'\n\
                 reason = 'fixed long ago'\nlink = 'https://example.org/7'\n";
    std::fs::write(&base, entry).unwrap();
    let json = dir.join("run.json");
    let out = irqsuite(&[
        "run",
        "--baseline",
        base.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--results",
        dir.join("results").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("stale baseline entry: reference/*/gic.sgi-self")
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(doc["stale_baseline"][0]["case"], "gic.sgi-self");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn list_shows_every_build_of_a_backend_with_builds_as_its_own_column() {
    let out = irqsuite(&["list", "--backend", "xen-dom0less,kvm-x86@6.12", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cases: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let targets = |id: &str| -> Vec<String> {
        let case = cases
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        case["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        targets("gic.v2-icpidr2"),
        [
            "xen-dom0less@4.17/gicv2",
            "xen-dom0less@4.20/gicv2",
            "xen-dom0less@4.17-new-vgic/gicv2"
        ]
    );
    assert!(targets("x86.x2apic-self-ipi").contains(&"kvm-x86@6.12/irqchip".to_owned()));
}

/// `list --backend all` lists every backend and build, whether it can run here or not (qemu-kvm
/// and xl cannot, here), so it asks no backend whether it can: that would boot the qemu-kvm
/// probe.
#[test]
fn list_all_shows_every_backend_even_those_that_cannot_run_here() {
    let out = irqsuite(&["list", "--backend", "all", "--json"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for column in [
        "qemu-kvm/irqchip",
        "xl/gicv2",
        "xen-dom0less@4.17-new-vgic/gicv2",
        "kvm-arm64@6.12/gicv3-its",
    ] {
        assert!(text.contains(column), "{column}");
    }
}

/// A user's build that is not what its backend boots is a usage error before any machine
/// starts, naming the file and what is wrong.
#[test]
fn a_user_build_that_is_not_a_xen_image_is_refused_before_any_boot() {
    let dir = scratch("userbuild");
    std::fs::create_dir_all(&dir).unwrap();
    let not_xen = dir.join("xen");
    std::fs::write(&not_xen, b"\x7fELF this is xen-syms, not the Image").unwrap();
    let flag = format!("xen-dom0less@mine={}", not_xen.display());
    let out = irqsuite(&[
        "run",
        "--build",
        &flag,
        "--results",
        dir.join("r").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("xen-dom0less@mine") && stderr.contains("not an arm64 Image"),
        "{stderr}"
    );
    assert!(!dir.join("r").exists(), "nothing written");

    let file = dir.join("builds.toml");
    std::fs::write(
        &file,
        "[[build]]\nbackend = \"kvm-arm64\"\nname = \"6.1\"\nimage = \"xen\"\n",
    )
    .unwrap();
    let out = irqsuite(&["run", "--builds", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("taken"), "a stock build's name: {stderr}");

    std::fs::write(
        &file,
        "[[build]]\nbackend = \"kvm-arm64\"\nname = \"x\"\nimage = \"xen\"\nwho = 1\n",
    )
    .unwrap();
    let out = irqsuite(&["list", "--builds", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("who"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A filtered run never replaces a target's complete results: it goes to a run folder of its
/// own, and only a run of the whole catalogue writes results/.
#[test]
fn a_partial_run_writes_a_run_folder_and_leaves_the_complete_results_alone() {
    let root = scratch("partial");
    std::fs::create_dir_all(&root).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_irqsuite"))
            .args(args)
            .env("IRQSUITE_ROOT", &root)
            .output()
            .unwrap()
    };
    let full = run(&["run", "--target", "gicv3"]);
    assert!(
        full.status.success(),
        "{}",
        String::from_utf8_lossy(&full.stderr)
    );
    let committed = root.join("results/reference/gicv3/results.json");
    let before = std::fs::read(&committed).unwrap();
    let partial = run(&["run", "--target", "gicv3", "--filter", "gic.sgi-self"]);
    let stderr = String::from_utf8_lossy(&partial.stderr);
    assert!(partial.status.success(), "{stderr}");
    assert!(stderr.contains("ran part of the catalogue"), "{stderr}");
    assert_eq!(
        std::fs::read(&committed).unwrap(),
        before,
        "results/ untouched"
    );
    let runs: Vec<_> = std::fs::read_dir(root.join("target/irqsuite-runs"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(runs.len(), 1);
    assert!(
        runs[0]
            .path()
            .join("reference/gicv3/results.json")
            .is_file()
    );
    std::fs::remove_dir_all(&root).unwrap();
}

/// A copied or installed binary run outside any irqsuite tree works on no tree: a command that
/// builds, boots or writes there stops with a usage error saying how to name one; the catalogue
/// and a judge need none.
#[test]
fn outside_a_source_tree_a_run_is_a_usage_error_and_list_works() {
    let dir = scratch("outside");
    std::fs::create_dir_all(&dir).unwrap();
    let at = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_irqsuite"))
            .args(args)
            .current_dir(&dir)
            .env_remove("IRQSUITE_ROOT")
            .output()
            .unwrap()
    };
    let run = at(&["run"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not in an irqsuite source tree") && stderr.contains("IRQSUITE_ROOT"));
    assert!(!dir.join("results").exists(), "nothing written");
    assert!(at(&["list"]).status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_baseline_entry_for_a_case_that_does_not_exist_and_zero_jobs_are_usage_errors() {
    let dir = scratch("checks");
    std::fs::create_dir_all(&dir).unwrap();
    let baseline = dir.join("b.toml");
    std::fs::write(
        &baseline,
        "[[divergence]]\ncase = \"gic.no-such-case\"\nbackend = \"reference\"\nreason = \"r\"\nlink = \"l\"\n",
    )
    .unwrap();
    let out = irqsuite(&[
        "run",
        "--baseline",
        baseline.to_str().unwrap(),
        "--results",
        dir.join("r").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no case gic.no-such-case"), "{stderr}");
    assert!(!dir.join("r").exists(), "refused before running");
    let out = irqsuite(&["run", "--jobs", "0"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A report path that cannot be written is a usage error before anything runs, not a failure
/// after the whole run.
#[test]
fn a_report_path_that_cannot_be_written_is_refused_before_the_run() {
    let dir = scratch("badjson");
    let tmp = std::env::temp_dir();
    let out = irqsuite(&[
        "run",
        "--json",
        tmp.to_str().unwrap(),
        "--results",
        dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is a folder"), "{stderr}");
    assert!(!dir.exists(), "nothing ran, nothing written");
}

#[test]
fn a_second_run_into_a_results_folder_in_use_stops_before_booting() {
    let dir = scratch("locked");
    let results = dir.join("results");
    let held = irqsuite::results::lock(&results).expect("the folder is free");
    let out = irqsuite(&["run", "--results", results.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("another irqsuite run is writing into"),
        "{stderr}"
    );
    assert!(
        !results.join("reference").exists(),
        "nothing written while the folder is held"
    );
    drop(held);
    let out = irqsuite(&["run", "--results", results.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(results.join("reference/gicv3/results.json").is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A schema-1 JSON report of one target with `cases` (id, outcome, reason).
fn report(cases: &[(&str, &str, &str)]) -> String {
    let cases: Vec<serde_json::Value> = cases
        .iter()
        .map(|(id, outcome, reason)| {
            serde_json::json!({"id": id, "outcome": outcome, "reason": reason})
        })
        .collect();
    serde_json::json!({"schema": 1, "runs": [{
        "backend": "xen-dom0less", "build": "4.20", "target": "gicv3", "boots": 1, "cases": cases
    }]})
    .to_string()
}

#[test]
fn diff_names_the_new_failure_and_exits_1_and_the_same_run_exits_0() {
    let dir = scratch("diff");
    std::fs::create_dir_all(&dir).unwrap();
    let (old, new) = (dir.join("old.json"), dir.join("new.json"));
    std::fs::write(
        &old,
        report(&[("gic.a", "pass", ""), ("gic.b", "fail", "x")]),
    )
    .unwrap();
    std::fs::write(
        &new,
        report(&[("gic.a", "fail", "y"), ("gic.b", "pass", "")]),
    )
    .unwrap();
    let out = irqsuite(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("new failures (1):\n  xen-dom0less@4.20/gicv3/gic.a: pass -> fail (y)"),
        "{stdout}"
    );
    assert!(stdout.contains("fixed (1):\n  xen-dom0less@4.20/gicv3/gic.b: fail -> pass"));
    let same = irqsuite(&["diff", old.to_str().unwrap(), old.to_str().unwrap()]);
    assert_eq!(same.status.code(), Some(0));
    std::fs::write(dir.join("junk.json"), "{}").unwrap();
    let junk = irqsuite(&[
        "diff",
        old.to_str().unwrap(),
        dir.join("junk.json").to_str().unwrap(),
    ]);
    assert_eq!(junk.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&junk.stderr).contains("not a results file"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn filters_are_repeatable_and_a_bang_leaves_cases_out_in_list_and_run() {
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "--json"];
        all.extend(args);
        let out = irqsuite(&all);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cases: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        cases
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let sweeps = ids(&["--filter", "sweep.*"]);
    let without = ids(&["--filter", "sweep.*", "--filter", "!sweep.gicd-irouter"]);
    assert_eq!(without.len() + 1, sweeps.len());
    assert!(!without.iter().any(|id| id == "sweep.gicd-irouter"));
    let comma = ids(&["--filter", "sweep.*,!sweep.gicd-irouter"]);
    assert_eq!(comma, without);
    let table = irqsuite(&["list", "--filter", "gic.sgi-self"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("CASE "), "a header: {text}");
    assert!(text.contains("runs on: reference/gicv2"), "{text}");
    assert!(text.ends_with("1 cases\n"), "{text}");
    assert_usage_error(&["run", "--filter", "!*"], "matches no case");
}

#[test]
fn rerun_failed_runs_exactly_what_failed_last_time_on_its_own_target() {
    let dir = scratch("rerun");
    let results = dir.join("results");
    let r = results.to_str().unwrap();
    let none = irqsuite(&["run", "--results", r, "--rerun-failed"]);
    assert_eq!(none.status.code(), Some(2), "no last run yet");
    assert!(String::from_utf8_lossy(&none.stderr).contains("no last run"));
    assert!(irqsuite(&["run", "--results", r]).status.success());
    let clean = irqsuite(&["run", "--results", r, "--rerun-failed"]);
    assert!(clean.status.success());
    assert!(String::from_utf8_lossy(&clean.stdout).contains("nothing to rerun"));
    // The last run as if gic.sgi-self had failed on reference/gicv3.
    let last = results.join(".last-run.json");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&last).unwrap()).unwrap();
    for run in doc["runs"].as_array_mut().unwrap() {
        if run["target"] == "gicv3" {
            for case in run["cases"].as_array_mut().unwrap() {
                if case["id"] == "gic.sgi-self" {
                    case["outcome"] = "fail".into();
                }
            }
        }
    }
    std::fs::write(&last, doc.to_string()).unwrap();
    let json = dir.join("rerun.json");
    let out = irqsuite(&[
        "run",
        "--results",
        r,
        "--rerun-failed",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let rerun: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let instances: Vec<(String, String)> = rerun["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|run| {
            run["cases"].as_array().unwrap().iter().map(move |c| {
                (
                    format!(
                        "{}/{}",
                        run["target"].as_str().unwrap(),
                        c["id"].as_str().unwrap()
                    ),
                    c["outcome"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect();
    assert_eq!(
        instances,
        [("gicv3/gic.sgi-self".to_owned(), "pass".to_owned())]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Whether QEMU's Arm system emulator is on the PATH (required when `IRQSUITE_REQUIRE=1`).
fn have_qemu() -> bool {
    let found = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|d| d.join("qemu-system-aarch64").is_file())
    });
    assert!(
        found || std::env::var_os("IRQSUITE_REQUIRE").is_none(),
        "IRQSUITE_REQUIRE=1 and no qemu-system-aarch64 on the PATH"
    );
    found
}

#[test]
fn sigterm_stops_a_run_keeps_what_it_judged_and_errs_the_rest_with_the_reason() {
    if !have_qemu() {
        return;
    }
    let dir = scratch("sigterm");
    let json = dir.join("run.json");
    let child = Command::new(env!("CARGO_BIN_EXE_irqsuite"))
        .args(["run", "--backend", "qemu-tcg", "--jobs", "1", "--results"])
        .arg(dir.join("results"))
        .arg("--json")
        .arg(&json)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let cases: Vec<&serde_json::Value> = doc["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cases"].as_array().unwrap())
        .collect();
    let judged = cases.iter().filter(|c| c["outcome"] != "error").count();
    let interrupted = cases
        .iter()
        .filter(|c| c["reason"].as_str().unwrap().contains("interrupted"))
        .count();
    assert!(judged > 0, "what was judged before the signal is kept");
    assert!(interrupted > 0, "the rest says it was interrupted");
    assert_eq!(
        judged + interrupted,
        cases.len(),
        "every planned instance once"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn repro_reruns_one_instance_and_shows_its_machine_console_and_both_traces() {
    let bad = irqsuite(&["repro", "qemu-tcg/gicv3"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an instance"));
    let unknown = irqsuite(&["repro", "qemu-tcg/gicv3/gic.nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    if !have_qemu() {
        return;
    }
    let dir = scratch("repro");
    let results = dir.join("results");
    let out = irqsuite(&[
        "repro",
        "qemu-tcg/gicv3/gic.sgi-self",
        "--results",
        results.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("machine: qemu-system-aarch64 "), "{stdout}");
    let console = stdout
        .lines()
        .find_map(|l| l.strip_prefix("console: "))
        .expect("the console's path");
    assert!(std::path::Path::new(console).is_file(), "{console}");
    assert!(stdout.contains("gic.sgi-self: pass"), "{stdout}");
    assert!(
        stdout.contains("     0  "),
        "the first observation's row: {stdout}"
    );
    assert!(
        !stdout.contains(">>"),
        "a pass whose trace is the model's: {stdout}"
    );
}
