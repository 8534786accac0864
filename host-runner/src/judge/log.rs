//! Judging a console captured anywhere (`irqsuite judge`): a serial capture, `xl console`, a
//! VMM's standard output, with whatever a capture tool or the machine put around the records
//! (prefixes such as `(XEN) DOM1: `, timestamps, CRLF, kernel messages between records). The
//! decoder finds each record inside its line, so the noise is only console text; anything that
//! does not check out is damage on the case it lands in, never a misread.
//!
//! A log may hold several boots (a reboot after a case killed the guest): each `cfg` record
//! that starts a sequence again (`#0`) begins a boot, and the boots are judged as one run with
//! its resumes, each case by the boot that printed it (the first, should two print one). A case
//! a boot started and did not end is an error with the reason (the guest was reset during it, or
//! the log ends there).

use guest_kit::TargetInfo;
use guest_kit::protocol::{Record, decode_line};

use crate::builds::provenance::Provenance;
use crate::events::TargetName;
use crate::session::{Progress, Session};
use crate::traced::{CaseTrace, Unfinished};

/// What one log gave: the traces the judging stage judges, as it judges a live run's.
#[derive(Debug, Default)]
pub struct JudgedLog {
    /// The machine as the (last) guest reported it in its `cfg` record.
    pub info: Option<TargetInfo>,
    /// How many boots the log holds.
    pub boots: u32,
    /// One trace per case the log has, in catalogue order.
    pub traces: Vec<CaseTrace>,
    /// What is wrong with the log outside any case: damage between cases, no boot at all, no
    /// final record at its end (the guest may have had more cases to run).
    pub problems: Vec<String>,
}

/// Splits a captured console into lines exactly as the runner reads a live one.
pub fn lines(reader: impl std::io::Read) -> impl Iterator<Item = String> {
    crate::exec::Lines::new(reader)
}

/// Whether `line` is a `cfg` record with sequence number 0: a guest starting.
fn starts_a_boot(line: &str) -> bool {
    matches!(decode_line(line), Ok(Some((0, Record::Config(_)))))
}

/// Decodes the console `lines` into the traces of its cases.
pub fn judge(lines: impl IntoIterator<Item = String>) -> JudgedLog {
    let catalogue = |i: usize| irq_cases::CATALOGUE.get(i).map(|c| c.id);
    let mut boots: Vec<Session> = Vec::new();
    let mut current = Session::new();
    let mut started = false;
    for line in lines {
        if starts_a_boot(&line) && started {
            boots.push(std::mem::take(&mut current));
        }
        if current.feed(&line, &catalogue) != Progress::Nothing || current.info.is_some() {
            started = true;
        }
    }
    if started {
        boots.push(current);
    }
    let mut judged = JudgedLog {
        boots: u32::try_from(boots.len()).unwrap_or(u32::MAX),
        ..JudgedLog::default()
    };
    if boots.is_empty() {
        judged
            .problems
            .push("the log holds no irqsuite record (no guest booted)".into());
        return judged;
    }
    let last = boots.len() - 1;
    let ended = boots[last].done;
    let mut seen = std::collections::HashSet::new();
    for (n, boot) in boots.into_iter().enumerate() {
        judged.info = boot.info.or(judged.info);
        let why = match n == last {
            true => "the log ends before the case's end record",
            false => "the guest was reset before the case's end record",
        };
        let unfinished = Unfinished {
            why: why.to_owned(),
            console_tail: boot.tail(),
        };
        for printed in boot.cases {
            if !seen.insert(printed.index) {
                continue;
            }
            judged.traces.push(CaseTrace::Printed {
                unfinished: (!printed.ended).then(|| unfinished.clone()),
                case: printed,
                info: boot.info,
                properties: Default::default(),
            });
        }
        for problem in &boot.problems {
            judged.problems.push(format!("boot {}: {problem}", n + 1));
        }
    }
    if !ended {
        judged.problems.push(
            "the log ends before the guest's final record: the guest may have had more cases to \
             run"
            .into(),
        );
    }
    judged.traces.sort_by_key(|t| match t {
        CaseTrace::Printed { case, .. } => case.index,
        CaseTrace::NotRun { index, .. } => *index,
    });
    judged
}

/// The target name the guest's `cfg` record implies: `gicv2`, `gicv3`, `gicv3-its`,
/// `gicv4-its`; `xapic`, `x2apic`, `x2apic-intremap`.
pub fn target_of(info: &TargetInfo) -> &'static str {
    use guest_kit::{Arch, GicVersion};
    match (info.arch, info.gic, info.its) {
        (Arch::X86_64, ..) if info.x86.iommu => "x2apic-intremap",
        (Arch::X86_64, ..) if info.x86.x2apic => "x2apic",
        (Arch::X86_64, ..) => "xapic",
        (_, GicVersion::V2, _) => "gicv2",
        (_, GicVersion::V4, _) => "gicv4-its",
        (_, _, true) => "gicv3-its",
        (_, _, false) => "gicv3",
    }
}

/// The events of a run that judged `log` as target `name`, with `provenance` (which says the
/// log was judged from a file): its cases' traces, which the run's judging stage judges.
pub fn events(
    name: &TargetName,
    log: JudgedLog,
    provenance: Provenance,
) -> Vec<crate::events::RunEvent> {
    use crate::events::RunEvent;
    let mut events = vec![
        RunEvent::RunStarted {
            instances: log.traces.len(),
            targets: 1,
        },
        RunEvent::TargetStarted {
            name: name.clone(),
            cases: log.traces.len(),
            provenance: Box::new(provenance),
        },
    ];
    events.extend(log.traces.into_iter().map(|trace| RunEvent::CaseTraced {
        name: name.clone(),
        trace: Box::new(trace),
    }));
    events.push(RunEvent::TargetFinished {
        name: name.clone(),
        info: log.info,
        boots: log.boots,
        elapsed: std::time::Duration::ZERO,
        console: vec![],
        facts: Default::default(),
        problems: log.problems,
    });
    events
}
