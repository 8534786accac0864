//! Properties of a [`Session`] fed a noisy console (proptest; DESIGN.md, "Reliability"): kernel
//! noise and partial lines between the records lose no record, and a damaged record is reported
//! as damage where it landed (on the open case, else as a problem) while every valid record
//! around it is still kept, in order.

use guest_kit::inject::{Inject, Injection};
use guest_kit::protocol::{LineBuf, Record, SENTINEL, decode_line, encode};
use guest_kit::{Arch, GicVersion, Observation, Site, TargetInfo, Width, X86Info};
use proptest::prelude::*;
use proptest::sample::Index;

use super::{Progress, Session};
use crate::traced::Traced;

const IDS: [&str; 3] = ["gic.a", "gic.b", "gic.c"];

fn catalogue(index: usize) -> Option<&'static str> {
    IDS.get(index).copied()
}

const INFO: TargetInfo = TargetInfo {
    arch: Arch::Aarch64,
    gic: GicVersion::V3,
    cpus: 2,
    it_lines: 8,
    pri_bits: 5,
    its: false,
    arena: 0,
    lpi_clearable: false,
    inject: Injection::LINE,
    x86: X86Info::NONE,
};

/// A record inside a case (owning its text until it is encoded).
#[derive(Clone, Debug)]
enum Inside {
    Read { offset: u32, value: u64 },
    Check { got: u64, expected: u64 },
    NoVector,
    Skip(String),
    Log(String),
    Request { intid: u32, high: bool },
}

impl Inside {
    fn is_observation(&self) -> bool {
        matches!(
            self,
            Inside::Read { .. } | Inside::Check { .. } | Inside::NoVector
        )
    }
}

fn inside() -> impl Strategy<Value = Inside> {
    let text = "[ -\"$-~]{0,40}";
    prop_oneof![
        3 => (any::<u32>(), any::<u64>()).prop_map(|(offset, value)| Inside::Read { offset, value }),
        2 => (any::<u64>(), any::<u64>()).prop_map(|(got, expected)| Inside::Check { got, expected }),
        1 => Just(Inside::NoVector),
        1 => text.prop_map(Inside::Skip),
        1 => text.prop_map(Inside::Log),
        1 => (any::<u32>(), any::<bool>()).prop_map(|(intid, high)| Inside::Request { intid, high }),
    ]
}

/// A clean boot: what each case prints between its start and end records.
fn boot() -> impl Strategy<Value = Vec<Vec<Inside>>> {
    prop::collection::vec(prop::collection::vec(inside(), 0..8), 0..=IDS.len())
}

/// The boot's console lines: `cfg`, each case framed by `case` and `end`, `done`; every record
/// after `prefix` (Xen's `(XEN) DOM1: `).
fn console(cases: &[Vec<Inside>], prefix: &str) -> Vec<String> {
    let mut records = vec![Record::Config(INFO)];
    for (index, body) in cases.iter().enumerate() {
        records.push(Record::CaseStart {
            index: index as u16,
            id: IDS[index],
        });
        records.extend(body.iter().map(|r| match r {
            Inside::Read { offset, value } => Record::Obs(Observation::Read {
                site: Site::Gicd(*offset),
                width: Width::B32,
                value: *value,
            }),
            Inside::Check { got, expected } => Record::Obs(Observation::Check {
                label: "pending",
                got: *got,
                expected: *expected,
            }),
            Inside::NoVector => Record::Obs(Observation::NoVector),
            Inside::Skip(reason) => Record::Skip { reason },
            Inside::Log(text) => Record::Log(text),
            Inside::Request { intid, high } => Record::Request {
                id: *intid,
                request: Inject::Line {
                    intid: *intid,
                    high: *high,
                },
            },
        }));
        records.push(Record::CaseEnd {
            index: index as u16,
        });
    }
    records.push(Record::Done {
        cases: cases.len() as u16,
    });
    records
        .iter()
        .enumerate()
        .map(|(seq, r)| {
            let mut buf = LineBuf::default();
            let line = encode(seq as u32, r, &mut buf).expect("fits");
            format!("{prefix}{line}")
        })
        .collect()
}

/// Console text that carries no record: anything without the sentinel, including a record cut
/// before its sentinel was complete and near misses of it.
fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<char>(), 0..200).prop_map(String::from_iter),
        any::<String>(),
        Just(String::new()),
        Just("@@irq".to_owned()),
        Just("@@ir".to_owned()),
        Just("@@ack 3 done".to_owned()),
        Just("[    0.000000] Booting Linux on physical CPU 0x0".to_owned()),
    ]
    .prop_filter("no sentinel", |l| !l.contains(SENTINEL))
}

/// A damaged record, made from one of the boot's lines (picked by the first index).
#[derive(Clone, Debug)]
enum Damage {
    /// The line cut after its sentinel, at the second index.
    Cut(Index, Index),
    /// One byte of the checksummed part replaced by a printable ASCII byte.
    Flip(Index, Index, u8),
    /// The sentinel followed by text without a checksum.
    Garbage(String),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<Index>(), any::<Index>()).prop_map(|(l, at)| Damage::Cut(l, at)),
        (any::<Index>(), any::<Index>(), 0x20u8..0x7f)
            .prop_map(|(l, at, b)| Damage::Flip(l, at, b)),
        "[^#]{0,150}".prop_map(Damage::Garbage),
    ]
}

impl Damage {
    fn line(&self, lines: &[String]) -> String {
        match self {
            Damage::Cut(l, at) => {
                let line = l.get(lines);
                let start = line.find(SENTINEL).unwrap() + SENTINEL.len();
                line[..start + at.index(line.len() - start)].to_owned()
            }
            Damage::Flip(l, at, by) => {
                let line = l.get(lines);
                let start = line.find(SENTINEL).unwrap() + SENTINEL.len();
                let at = start + at.index(line.len() - 6 - start);
                let mut bytes = line.clone().into_bytes();
                bytes[at] = if bytes[at] == *by {
                    b'~' - (*by == b'~') as u8
                } else {
                    *by
                };
                String::from_utf8(bytes).expect("ASCII")
            }
            Damage::Garbage(g) => format!("{SENTINEL}{g}"),
        }
    }
}

/// Feeds `lines` with `junk` (gap, line) inserted before line `gap` (after the last for
/// `gap == lines.len()`). Returns the session, the progress other than `Nothing` and, per junk
/// line, the case open when it arrived (its position in `Session::cases`).
fn feed(
    lines: &[String],
    junk: &[(usize, String)],
) -> (Session, Vec<Progress>, Vec<Option<usize>>) {
    let mut session = Session::new();
    let mut progress = Vec::new();
    let mut open_at_junk = Vec::new();
    let mut junk: Vec<&(usize, String)> = junk.iter().collect();
    junk.sort_by_key(|(gap, _)| *gap);
    let mut junk = junk.into_iter().peekable();
    let mut open = None;
    for gap in 0..=lines.len() {
        while let Some((_, line)) = junk.next_if(|(g, _)| *g == gap) {
            open_at_junk.push(open);
            assert_eq!(
                session.feed(line, &catalogue),
                Progress::Nothing,
                "{line:?}"
            );
        }
        let Some(line) = lines.get(gap) else { break };
        match session.feed(line, &catalogue) {
            Progress::Nothing => {}
            p => {
                open = match p {
                    Progress::CaseStarted(index) => Some(index),
                    Progress::CaseEnded(_) => None,
                    _ => open,
                };
                progress.push(p);
            }
        }
    }
    (session, progress, open_at_junk)
}

/// The observation lines each case printed, as fed.
/// What `line`, an observation record, decodes to.
fn traced(line: &str) -> Traced {
    match decode_line(line) {
        Ok(Some((_, Record::Obs(observation)))) => Traced::new(&observation),
        other => panic!("not an observation record: {line:?} ({other:?})"),
    }
}

fn observation_lines(cases: &[Vec<Inside>], lines: &[String]) -> Vec<Vec<Traced>> {
    let mut at = 1;
    cases
        .iter()
        .map(|body| {
            at += 1; // the case record
            let printed = body
                .iter()
                .zip(&lines[at..])
                .filter(|(r, _)| r.is_observation())
                .map(|(_, l)| traced(l))
                .collect();
            at += body.len() + 1; // the body and the end record
            printed
        })
        .collect()
}

fn gaps(lines: usize, junk: Vec<(Index, String)>) -> Vec<(usize, String)> {
    junk.into_iter()
        .map(|(gap, line)| (gap.index(lines + 1), line))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn console_noise_between_records_loses_no_record_and_is_no_damage(
        cases in boot(),
        prefix in prop::sample::select(vec!["", "(XEN) DOM1: ", "[    1.234567] "]),
        noise in prop::collection::vec((any::<Index>(), noise()), 0..30),
    ) {
        let lines = console(&cases, prefix);
        let (clean, clean_progress, _) = feed(&lines, &[]);
        let (noisy, progress, _) = feed(&lines, &gaps(lines.len(), noise));
        prop_assert_eq!(&progress, &clean_progress);
        prop_assert_eq!(noisy.info, Some(INFO));
        prop_assert!(noisy.done);
        prop_assert!(noisy.problems.is_empty(), "{:?}", noisy.problems);
        prop_assert_eq!(&noisy.cases, &clean.cases);
        let printed: Vec<Vec<Traced>> = noisy.cases.iter().map(|c| c.trace.clone()).collect();
        prop_assert_eq!(printed, observation_lines(&cases, &lines));
        prop_assert!(noisy.cases.iter().all(|c| c.ended && c.damage.is_none()));
    }

    #[test]
    fn a_damaged_record_is_reported_where_it_landed_and_loses_no_valid_record(
        cases in boot(),
        damaged in prop::collection::vec((any::<Index>(), damage()), 1..6),
    ) {
        let lines = console(&cases, "");
        let junk: Vec<(Index, String)> =
            damaged.into_iter().map(|(gap, d)| (gap, d.line(&lines))).collect();
        let junk = gaps(lines.len(), junk);
        let (clean, clean_progress, _) = feed(&lines, &[]);
        let (s, progress, open_at) = feed(&lines, &junk);
        prop_assert_eq!(&progress, &clean_progress);
        prop_assert_eq!(s.info, Some(INFO));
        prop_assert!(s.done);
        // Every valid record is kept, in order: the damage takes no sequence number.
        prop_assert_eq!(s.cases.len(), clean.cases.len());
        for (got, want) in s.cases.iter().zip(&clean.cases) {
            prop_assert_eq!(&got.trace, &want.trace);
            prop_assert_eq!(&got.skip, &want.skip);
            prop_assert!(got.ended);
        }
        // The damage, with the decoder's reason and the line: the first on its case, every one
        // outside a case.
        let mut sorted = junk.clone();
        sorted.sort_by_key(|(gap, _)| *gap);
        let mut want_damage = vec![None; clean.cases.len()];
        let mut want_problems = Vec::new();
        for ((_, line), open) in sorted.iter().zip(open_at) {
            let why = format!("{}: {line:?}", decode_line(line).expect_err("damaged"));
            match open {
                Some(i) => {
                    want_damage[i].get_or_insert(why);
                }
                None => want_problems.push(why),
            }
        }
        let got_damage: Vec<Option<String>> = s.cases.iter().map(|c| c.damage.clone()).collect();
        prop_assert_eq!(got_damage, want_damage);
        prop_assert_eq!(&s.problems, &want_problems);
    }
}
