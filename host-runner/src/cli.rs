//! The command line (DESIGN.md, "Command line"): parsed flags → a validated plan → execution.
//!
//! Exit status: 0 when no case is `fail` or `error`; 1 otherwise; 2 for a usage or
//! configuration error.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use sha2::Digest;

use crate::backend::{self, Limits};
use crate::baseline::Baseline;
use crate::plan::{self, UsageError};
use crate::report::{tap::Tap, terminal::Terminal};
use crate::run::{self, Missing};
use crate::{builds, list, results, setup};

/// irqsuite: conformance of virtual interrupt controllers, case by case, against the
/// architecture.
#[derive(Parser, Debug)]
#[command(name = "irqsuite", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The catalogue: case id, area, targets, requirements.
    List {
        /// Only the targets of these backends (comma-separated; `all`; `name@build` for one
        /// build of a backend with builds).
        #[arg(long, value_delimiter = ',', default_value = "reference")]
        backend: Vec<String>,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Only cases whose id matches one of these globs (as for `run`; `!GLOB` leaves out).
        #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
        filter: Vec<String>,
        #[command(flatten)]
        builds: BuildArgs,
    },
    /// Run the catalogue.
    Run(RunArgs),
    /// The guest of a target as a portable bundle (image, manifest.json, README.md) to boot on
    /// any hypervisor or board; judge its console with `irqsuite judge`.
    Export {
        /// The target's shape (qemu-tcg's: gicv2, gicv3, gicv3-its, gicv4-its, xapic, x2apic,
        /// x2apic-intremap).
        #[arg(long)]
        target: String,
        /// The folder to write.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Judge a guest's console captured anywhere (a serial capture, `xl console`, a VMM's
    /// output): replay every case in lockstep and report as `run` does.
    Judge(JudgeArgs),
    /// Run one case instance again (`backend[@build]/target/case`) and show how: the machine's
    /// command line, where its console is kept, and its trace beside the model's.
    Repro {
        /// The instance, as reports name it: `xen-dom0less@4.20/gicv3/gic.sgi-self`.
        instance: String,
        #[command(flatten)]
        builds: BuildArgs,
        /// Known divergences (TOML, repeatable).
        #[arg(long, value_name = "FILE")]
        baseline: Vec<PathBuf>,
        /// Where its results go (default: a run folder under target/irqsuite-runs/).
        #[arg(long, value_name = "DIR")]
        results: Option<PathBuf>,
    },
    /// Compare two runs, instance by instance: new failures, fixes, failures whose reason
    /// changed, other outcome changes. Exit status 1 when NEW fails where OLD did not.
    Diff {
        /// The older run: a JSON report (`run --json`) or a results folder.
        old: PathBuf,
        /// The newer run, likewise.
        new: PathBuf,
    },
    /// Markdown and HTML matrix of the results under results/ (cases x backend/targets).
    Matrix {
        /// Where the results are and where matrix.md and matrix.html go.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Install or fetch what a backend needs (idempotent); `all` also installs Chromium for
    /// the matrix's HTML check.
    Setup {
        /// The backend to set up, or `all`.
        #[arg(long, default_value = "all")]
        backend: String,
    },
}

#[derive(Args, Debug)]
struct JudgeArgs {
    /// The console log (several boots in one log are judged as one run with its resumes).
    log: PathBuf,
    /// The backend the log came from, as reports and baselines name it (`xen-dom0less@4.20`,
    /// `bao`); default `judged`.
    #[arg(long, default_value = "judged")]
    backend: String,
    /// The target name; default: what the guest's `cfg` record implies (`gicv3`, `x2apic`, ...).
    #[arg(long)]
    target: Option<String>,
    #[command(flatten)]
    report: ReportArgs,
}

/// What `run` and `judge` report, and the known divergences they waive.
#[derive(Args, Debug)]
struct ReportArgs {
    /// Write a JUnit report of the whole run here.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write a JSON report of the whole run here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Print TAP version 13 instead of the terminal report.
    #[arg(long)]
    tap: bool,
    /// Known divergences (TOML, repeatable): a failure an entry describes is `waived`.
    #[arg(long, value_name = "FILE")]
    baseline: Vec<PathBuf>,
}

impl ReportArgs {
    /// Every report path can be written: checked before anything boots.
    fn check(&self) -> Result<(), UsageError> {
        for path in self.junit.iter().chain(&self.json) {
            results::check_writable(path).map_err(UsageError)?;
        }
        Ok(())
    }

    /// Every baseline file merged; a bad one is a usage error.
    fn baseline(&self) -> Result<Baseline, UsageError> {
        let mut baseline = Baseline::default();
        for path in &self.baseline {
            baseline.merge(Baseline::load(path)?);
        }
        Ok(baseline)
    }
}

/// A user's own builds of the hypervisor under test.
#[derive(Args, Debug, Default)]
struct BuildArgs {
    /// A build of yours (repeatable): `BACKEND@NAME=IMAGE[,modules=DIR][,version=V]`, e.g.
    /// `xen-dom0less@mine=xen/xen` or `kvm-x86@next=vmlinux,modules=lib/modules/6.13.0`.
    #[arg(long = "build", value_name = "SPEC")]
    build: Vec<String>,
    /// A file of builds (TOML, `[[build]]` tables; see the README).
    #[arg(long = "builds", value_name = "FILE")]
    builds: Vec<PathBuf>,
}

impl BuildArgs {
    /// The stock backends and the user's builds, each checked before anything boots; the
    /// spellings of the user's builds.
    fn registry(&self) -> Result<(Vec<&'static dyn backend::Backend>, Vec<String>), UsageError> {
        let mut specs = Vec::new();
        for path in &self.builds {
            specs.extend(builds::user::load(path)?);
        }
        for flag in &self.build {
            specs.push(builds::user::parse_flag(flag)?);
        }
        let mut registry = backend::all().to_vec();
        let taken: Vec<String> = registry.iter().map(|b| b.spelled()).collect();
        let mut mine = Vec::new();
        for (backend_name, build) in builds::user::resolve(specs, &taken)? {
            let instance = backend::user_instance(&backend_name, build)?;
            mine.push(instance.spelled());
            registry.push(instance);
        }
        Ok((registry, mine))
    }
}

#[derive(Args, Debug)]
struct RunArgs {
    /// Backends (comma-separated); `all` = every backend this machine can run; a backend with
    /// builds runs each of them, `name@build` one (`xen-dom0less@4.20`). Default: `reference`,
    /// or the builds given with `--build`/`--builds`.
    #[arg(long, value_delimiter = ',')]
    backend: Vec<String>,
    #[command(flatten)]
    builds: BuildArgs,
    /// Only these targets (comma-separated), e.g. `gicv3`.
    #[arg(long, value_delimiter = ',')]
    target: Vec<String>,
    /// Only cases whose id matches one of these globs (comma-separated or repeated), e.g.
    /// `gic.spi-*`; `!GLOB` leaves cases out (`!its.*`).
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    filter: Vec<String>,
    /// Run again only the instances that failed or erred in the last run into the results
    /// folder (each on its own backend and target).
    #[arg(long, conflicts_with_all = ["backend", "target", "filter"])]
    rerun_failed: bool,
    #[command(flatten)]
    report: ReportArgs,
    /// A backend that cannot run here is an error, not a skip.
    #[arg(long)]
    require: bool,
    /// Targets run at once, 1 to 64 (default: the number of cores).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    jobs: Option<u16>,
    /// Where per-target results go (default: results/ for a target that ran the whole
    /// catalogue, target/irqsuite-runs/<run>/ for one that ran part of it).
    #[arg(long, value_name = "DIR")]
    results: Option<PathBuf>,
    /// Seconds a guest may take to report its configuration.
    #[arg(long, default_value_t = 30)]
    boot_timeout: u64,
    /// Seconds a case may go without reporting an observation; a case that keeps reporting is
    /// cut at 6 times this.
    #[arg(long, default_value_t = 10)]
    case_timeout: u64,
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match needs_tree(&cli.command) {
        Err(e) => Err(e),
        Ok(()) => dispatch(cli.command),
    };
    match status {
        Ok(code) => code,
        Err(Failure::Usage(e)) => {
            eprintln!("irqsuite: {e}");
            ExitCode::from(2)
        }
        Err(Failure::Io(what, e)) => {
            eprintln!("irqsuite: {what}: {e}");
            ExitCode::from(2)
        }
    }
}

/// The commands that build, boot or write in the source tree need one: found from the current
/// directory upwards, or named by `IRQSUITE_ROOT`.
fn needs_tree(command: &Command) -> Result<(), Failure> {
    let needs = match command {
        Command::Run(args) => args.results.is_none(),
        Command::Setup { .. } | Command::Export { .. } => true,
        Command::Repro { results, .. } => results.is_none(),
        Command::Matrix { out } => out.is_none(),
        Command::List { .. } | Command::Judge(_) | Command::Diff { .. } => false,
    };
    match (needs, crate::find_root()) {
        (true, None) => Err(Failure::Usage(UsageError(format!(
            "not in an irqsuite source tree (no Cargo.toml with host-runner/ and guest-tests/ \
             here or above {}): cd into one, or name it with {}=DIR",
            std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            crate::ROOT_ENV
        )))),
        _ => Ok(()),
    }
}

fn dispatch(command: Command) -> Result<ExitCode, Failure> {
    match command {
        Command::List {
            backend,
            json,
            filter,
            builds,
        } => list_cmd(&backend, json, &filter, &builds),
        Command::Run(args) => run_cmd(args),
        Command::Judge(args) => judge_cmd(args),
        Command::Export { target, out } => export_cmd(&target, &out),
        Command::Setup { backend } => setup_cmd(&backend),
        Command::Matrix { out } => matrix_cmd(out),
        Command::Diff { old, new } => diff_cmd(&old, &new),
        Command::Repro {
            instance,
            builds,
            baseline,
            results,
        } => repro_cmd(&instance, builds, baseline, results),
    }
}

fn diff_cmd(old: &std::path::Path, new: &std::path::Path) -> Result<ExitCode, Failure> {
    use crate::diff;
    let old = diff::read(old).map_err(UsageError)?;
    let new = diff::read(new).map_err(UsageError)?;
    let d = diff::diff(&old, &new);
    print!("{}", diff::render(&d));
    Ok(if d.worse() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

enum Failure {
    Usage(UsageError),
    Io(String, io::Error),
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Failure::Usage(e)
    }
}

fn list_cmd(
    backends: &[String],
    json: bool,
    filter: &[String],
    builds: &BuildArgs,
) -> Result<ExitCode, Failure> {
    let (registry, _) = builds.registry()?;
    let cases = plan::select_cases(filter)?;
    // The catalogue boots nothing: `all` is every backend and build, whether it can run here
    // or not (finding out may mean booting a probe).
    let chosen = match backends {
        [all] if all == "all" => registry,
        _ => plan::backends_among(backends, &registry)?.backends,
    };
    let text = if json {
        list::json(&chosen, &cases)
    } else {
        list::table(&chosen, &cases)
    };
    let _ = io::stdout().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn run_cmd(args: RunArgs) -> Result<ExitCode, Failure> {
    run_with(args).map(|ran| ran.status)
}

/// What a run did.
struct Ran {
    status: ExitCode,
    report: crate::report::RunReport,
    /// Where the targets' files went ...
    into: PathBuf,
    /// ... but for these, written to the run folder (they ran part of the catalogue).
    elsewhere: Vec<crate::events::TargetName>,
    /// The run folder.
    partial: Option<PathBuf>,
}

impl Ran {
    /// The folder holding target `name`'s files.
    fn folder(&self, name: &crate::events::TargetName) -> &std::path::Path {
        match (&self.partial, self.elsewhere.contains(name)) {
            (Some(run_folder), true) => run_folder,
            _ => &self.into,
        }
    }
}

/// Runs as `args` say; returns the exit status, the report and where the results went.
fn run_with(args: RunArgs) -> Result<Ran, Failure> {
    let (registry, mine) = args.builds.registry()?;
    // Only a target's complete run replaces its results in results/; a partial one (a filter)
    // goes to a run folder of its own. An explicit --results takes everything.
    let root = crate::workspace_root();
    let (dir, partial) = match &args.results {
        Some(dir) => (dir.clone(), None),
        None => {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let run = format!("{stamp}-{}", std::process::id());
            (
                root.join("results"),
                Some(root.join("target/irqsuite-runs").join(run)),
            )
        }
    };
    let (chosen, planned) = match args.rerun_failed {
        true => {
            let failed = crate::last_run::failed(&dir).map_err(UsageError)?;
            if failed.is_empty() {
                println!(
                    "the last run into {} has no fail or error: nothing to rerun",
                    dir.display()
                );
                return Ok(Ran {
                    status: ExitCode::SUCCESS,
                    report: Default::default(),
                    into: dir,
                    elsewhere: vec![],
                    partial: None,
                });
            }
            plan_failed(&failed, &registry)?
        }
        false => {
            let names = match (args.backend.is_empty(), mine.is_empty()) {
                (false, _) => args.backend.clone(),
                (true, false) => mine,
                (true, true) => vec!["reference".to_owned()],
            };
            let chosen = plan::backends_among(&names, &registry)?;
            let planned = plan::plan(&chosen.backends, &args.target, &args.filter)?;
            (chosen, planned)
        }
    };
    for (name, u) in &chosen.left_out {
        eprintln!(
            "irqsuite: leaving out {name}: {} (fix: {})",
            u.reason, u.fix
        );
    }
    let jobs = args.jobs.map_or_else(thread_count, usize::from);
    let stop = crate::interrupt::install()
        .map_err(|e| Failure::Io("installing the SIGINT/SIGTERM handlers".into(), e))?;
    let limits = Limits {
        boot: Duration::from_secs(args.boot_timeout),
        case: Duration::from_secs(args.case_timeout),
        stop,
    };
    let missing = if args.require {
        Missing::Error
    } else {
        Missing::Skip
    };
    let mut baseline = args.report.baseline()?;
    baseline.check(&registry).map_err(UsageError)?;
    args.report.check()?;
    // Held until the results are written: a second run into the same folder stops here.
    let _held = results::lock(&dir).map_err(UsageError)?;
    let options = run::Options {
        jobs,
        limits,
        missing,
    };
    let stdout = io::stdout().lock();
    let report = if args.report.tap {
        let mut tap = Tap::new(stdout);
        run::execute(planned, options, &mut baseline, &mut tap)
    } else {
        let mut term = Terminal::new(stdout);
        let report = run::execute(planned, options, &mut baseline, &mut term);
        term.summary(&report);
        report
    };
    // An interrupted run keeps everything it judged, but never in place of a complete run's
    // results: all of it goes to the run folder.
    let interrupted = limits.stopped();
    let (into, partial) = match (interrupted, &partial) {
        (true, Some(run_folder)) => (run_folder.clone(), None),
        _ => (dir.clone(), partial),
    };
    let elsewhere = run::write_results(&report, &into, partial.as_deref())
        .map_err(|e| Failure::Io(format!("writing {}", into.display()), e))?;
    if interrupted {
        eprintln!(
            "irqsuite: interrupted; what was judged is in {} and the reports, every case not \
             judged is an error saying so",
            into.display()
        );
    }
    if let (Some(partial), false) = (&partial, elsewhere.is_empty()) {
        eprintln!(
            "irqsuite: {} target(s) ran part of the catalogue; their results are in {} \
             ({} keeps each target's last complete run)",
            elsewhere.len(),
            partial.display(),
            dir.display()
        );
    }
    crate::last_run::save(&dir, &report)
        .map_err(|e| Failure::Io(format!("writing {}", dir.display()), e))?;
    write_reports(&report, &args.report)?;
    let status = match (interrupted, report.failed()) {
        (true, _) => ExitCode::from(crate::interrupt::EXIT_STATUS),
        (false, true) => ExitCode::from(1),
        (false, false) => ExitCode::SUCCESS,
    };
    Ok(Ran {
        status,
        report,
        into,
        elsewhere,
        partial,
    })
}

fn repro_cmd(
    instance: &str,
    builds: BuildArgs,
    baseline: Vec<PathBuf>,
    results: Option<PathBuf>,
) -> Result<ExitCode, Failure> {
    let bad = || {
        UsageError(format!(
            "{instance:?} is not an instance: backend[@build]/target/case, as reports name them \
             (xen-dom0less@4.20/gicv3/gic.sgi-self)"
        ))
    };
    let mut parts = instance.splitn(3, '/');
    let (Some(backend), Some(target), Some(case)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad().into());
    };
    if irq_cases::find(case).is_none() {
        return Err(UsageError(format!("no case {case:?} (see `irqsuite list`)")).into());
    }
    let args = RunArgs {
        backend: vec![backend.to_owned()],
        builds,
        target: vec![target.to_owned()],
        filter: vec![case.to_owned()],
        rerun_failed: false,
        report: ReportArgs {
            junit: None,
            json: None,
            tap: false,
            baseline,
        },
        require: true,
        jobs: Some(1),
        results,
        boot_timeout: 30,
        case_timeout: 10,
    };
    let ran = run_with(args)?;
    let Some(target) = ran.report.targets.first() else {
        return Ok(ran.status);
    };
    print!("{}", crate::repro::show(target, ran.folder(&target.name)));
    Ok(ran.status)
}

/// The plan that runs each of `failed` again, on its own backend and target only.
fn plan_failed(
    failed: &std::collections::BTreeSet<crate::last_run::Failed>,
    registry: &[&'static dyn crate::backend::Backend],
) -> Result<(plan::Chosen, Vec<plan::PlannedTarget>), UsageError> {
    let unique = |f: fn(&crate::last_run::Failed) -> &String| -> Vec<String> {
        let set: std::collections::BTreeSet<&String> = failed.iter().map(f).collect();
        set.into_iter().cloned().collect()
    };
    let chosen = plan::backends_among(&unique(|f| &f.backend), registry)?;
    let mut planned = plan::plan(
        &chosen.backends,
        &unique(|f| &f.target),
        &unique(|f| &f.case),
    )?;
    for p in &mut planned {
        let (backend, target) = (p.backend.spelled(), p.target.name);
        p.cases.retain(|&i| {
            let case = irq_cases::CATALOGUE[i].id;
            failed
                .iter()
                .any(|f| f.backend == backend && f.target == target && f.case == case)
        });
    }
    planned.retain(|p| !p.cases.is_empty());
    Ok((chosen, planned))
}

/// Writes the whole-run JUnit and JSON reports where asked.
fn write_reports(report: &crate::report::RunReport, asked: &ReportArgs) -> Result<(), Failure> {
    let (junit, json) = (asked.junit.as_deref(), asked.json.as_deref());
    let write = |path: &std::path::Path, text: String| {
        results::write_atomic(path, text.as_bytes())
            .map_err(|e| Failure::Io(format!("writing {}", path.display()), e))
    };
    if let Some(path) = junit {
        write(path, crate::report::junit::render(report))?;
    }
    if let Some(path) = json {
        write(path, crate::report::json::render(report))?;
    }
    Ok(())
}

fn export_cmd(target: &str, out: &std::path::Path) -> Result<ExitCode, Failure> {
    let spec = backend::qemu::TARGETS
        .iter()
        .find(|t| t.name == target)
        .ok_or_else(|| {
            let known: Vec<&str> = backend::qemu::TARGETS.iter().map(|t| t.name).collect();
            UsageError(format!(
                "unknown target {target:?} (known: {})",
                known.join(", ")
            ))
        })?;
    match crate::export::export(spec, out) {
        Ok(done) => {
            println!(
                "{} -> {} (manifest.json, README.md)\nboot it: cd {} && {}",
                target,
                done.image.display(),
                out.display(),
                done.qemu
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("irqsuite export: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

fn judge_cmd(args: JudgeArgs) -> Result<ExitCode, Failure> {
    use crate::judge::log;
    let mut baseline = args.report.baseline()?;
    args.report.check()?;
    let bytes = std::fs::read(&args.log)
        .map_err(|e| Failure::Io(format!("reading {}", args.log.display()), e))?;
    let sha256 = crate::build::hex(&sha2::Sha256::digest(&bytes));
    let judged = log::judge(log::lines(&bytes[..]));
    let target = match (&args.target, &judged.info) {
        (Some(t), _) => t.clone(),
        (None, Some(info)) => log::target_of(info).to_owned(),
        (None, None) => "unknown".to_owned(),
    };
    let name = judged_name(&args.backend, &target)?;
    let provenance = crate::builds::provenance::Provenance {
        judged_from: Some(format!("{} (sha256 {sha256})", args.log.display())),
        ..crate::builds::provenance::Provenance::irqsuite()
    };
    let events = log::events(&name, judged, provenance);
    let stdout = io::stdout().lock();
    let report = if args.report.tap {
        run::replay(events, &mut baseline, &mut Tap::new(stdout))
    } else {
        let mut term = Terminal::new(stdout);
        let report = run::replay(events, &mut baseline, &mut term);
        term.summary(&report);
        report
    };
    write_reports(&report, &args.report)?;
    Ok(if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The name a judged log's results go by: a known backend's (and build's) target, so its
/// baseline applies, or the names given.
fn judged_name(backend: &str, target: &str) -> Result<crate::events::TargetName, UsageError> {
    let known = backend::select(backend::all(), backend);
    let spec = known.first().and_then(|b| {
        b.targets()
            .iter()
            .find(|t| t.name == target)
            .map(|t| (b, t))
    });
    if let Some((b, spec)) = spec {
        return Ok(b.target_name(spec));
    }
    let (name, build) = builds::split(backend);
    if !builds::valid_name(name) || build.is_some() || !builds::valid_name(target) {
        return Err(UsageError(format!(
            "--backend {backend:?} --target {target:?}: not a known backend/target, nor names \
             of letters, digits, '.', '-', '_' or '+'"
        )));
    }
    // The names live for the whole process.
    Ok(crate::events::TargetName::new(
        String::leak(name.to_owned()),
        String::leak(target.to_owned()),
    ))
}

fn setup_cmd(name: &str) -> Result<ExitCode, Failure> {
    let chosen: Vec<_> = if name == "all" {
        backend::all().to_vec()
    } else {
        let found = backend::select(backend::all(), name);
        if found.is_empty() {
            return Err(UsageError(format!("unknown backend {name:?}")).into());
        }
        found
    };
    let mut ok = true;
    for b in chosen {
        match setup::setup(b) {
            Ok(done) => println!("{}: {done}", b.spelled()),
            Err(e) => {
                eprintln!("irqsuite setup {}: {e}", b.spelled());
                ok = false;
            }
        }
    }
    // `all` also sets up the matrix's HTML check (a browser, not a backend).
    if name == "all" {
        match setup::ensure_chromium() {
            Ok(version) => println!("matrix check: {version}"),
            Err(e) => {
                eprintln!("irqsuite setup (matrix check): {e}");
                ok = false;
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn matrix_cmd(out: Option<PathBuf>) -> Result<ExitCode, Failure> {
    let dir = out.unwrap_or_else(|| crate::workspace_root().join("results"));
    let matrix = crate::matrix::load(&dir).map_err(|e| Failure::Usage(UsageError(e)))?;
    for (name, text) in [
        ("matrix.md", crate::matrix::markdown(&matrix)),
        ("matrix.html", crate::matrix::html(&matrix)),
    ] {
        let path = dir.join(name);
        results::write_atomic(&path, text.as_bytes())
            .map_err(|e| Failure::Io(format!("writing {}", path.display()), e))?;
    }
    println!(
        "{} cases x {} backend/targets -> {}/matrix.{{md,html}}",
        matrix.rows.len(),
        matrix.columns.len(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn thread_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
