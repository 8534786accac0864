//! One boot's console, decoded: records checked for sequence and integrity, assembled per case.
//!
//! Nothing damaged is ever misread: a garbled, truncated, overlong, duplicated, reordered or lost
//! record marks the case it belongs to as damaged (an `error`), with the reason.

use std::collections::VecDeque;

use guest_kit::TargetInfo;
use guest_kit::protocol::{Record, decode_line};

use crate::traced::{PrintedCase, Traced};

/// How many console lines are kept as evidence.
pub const TAIL_LINES: usize = 25;

/// How many observations one case may report (the largest case reports a few hundred); past
/// it the case is damaged, so a flood of valid records cannot exhaust the runner's memory.
pub const MAX_RECORDS: usize = 100_000;

/// What a fed line changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Console text, or a record inside a case.
    Nothing,
    /// The guest reported its configuration.
    Configured,
    /// Case `index` started.
    CaseStarted(usize),
    /// The case in progress reported an observation (it is alive).
    Observed,
    /// Case `index` ended.
    CaseEnded(usize),
    /// The final record arrived.
    Done,
    /// The guest asks the host to act and waits for the answer.
    Request {
        /// Request number, to put in the answer.
        id: u32,
        /// What to do.
        request: guest_kit::inject::Inject,
    },
}

/// The decoded state of one boot.
#[derive(Debug, Default)]
pub struct Session {
    next_seq: u32,
    /// What the guest found, from its `cfg` record.
    pub info: Option<TargetInfo>,
    /// The cases that started, in order.
    pub cases: Vec<PrintedCase>,
    open: Option<usize>,
    /// The final record arrived.
    pub done: bool,
    /// Damage outside any case (before the first case, between cases).
    pub problems: Vec<String>,
    tail: VecDeque<String>,
}

impl Session {
    /// A session before the first line.
    pub fn new() -> Self {
        Session::default()
    }

    /// The last console lines.
    pub fn tail(&self) -> Vec<String> {
        self.tail.iter().cloned().collect()
    }

    /// The case that started and has not ended.
    pub fn open_case(&self) -> Option<&PrintedCase> {
        self.open.map(|i| &self.cases[i])
    }

    /// Feeds one console line; `catalogue` maps an index to its case id.
    pub fn feed(
        &mut self,
        line: &str,
        catalogue: &dyn Fn(usize) -> Option<&'static str>,
    ) -> Progress {
        if self.tail.len() == TAIL_LINES {
            self.tail.pop_front();
        }
        self.tail.push_back(line.to_owned());
        let (seq, record) = match decode_line(line) {
            Ok(None) => return Progress::Nothing,
            Ok(Some(decoded)) => decoded,
            Err(e) => {
                self.damage(format!("{e}: {line:?}"));
                return Progress::Nothing;
            }
        };
        if seq != self.next_seq {
            let what = if seq < self.next_seq {
                "duplicated or reordered"
            } else {
                "lost"
            };
            self.damage(format!(
                "record {what}: expected #{}, got #{seq}",
                self.next_seq
            ));
        }
        self.next_seq = seq.wrapping_add(1);
        self.apply(record, catalogue)
    }

    fn apply(
        &mut self,
        record: Record<'_>,
        catalogue: &dyn Fn(usize) -> Option<&'static str>,
    ) -> Progress {
        match record {
            Record::Config(info) => {
                // The first configuration shapes the model for the whole boot: a second one
                // (a restart, or a forgery) is damage, never a new shape.
                match self.info {
                    Some(_) => {
                        self.damage("second cfg record (did the guest restart?)".into());
                        Progress::Nothing
                    }
                    None => {
                        self.info = Some(info);
                        Progress::Configured
                    }
                }
            }
            Record::CaseStart { index, id } => {
                let index = usize::from(index);
                if let Some(open) = self.open_case() {
                    let open = open.index;
                    self.damage(format!("case {open} has no end record before case {index}"));
                    self.open = None;
                }
                if catalogue(index).is_none() {
                    self.problems.push(format!(
                        "case {index} ({id:?}) is past the catalogue: ignored"
                    ));
                    return Progress::Nothing;
                }
                if self.cases.iter().any(|c| c.index == index) {
                    self.problems.push(format!(
                        "case {index} started a second time in one boot: ignored"
                    ));
                    return Progress::Nothing;
                }
                self.cases.push(PrintedCase {
                    index,
                    ..PrintedCase::default()
                });
                self.open = Some(self.cases.len() - 1);
                if catalogue(index) != Some(id) {
                    let ours = catalogue(index).unwrap_or("nothing");
                    self.damage(format!(
                        "guest case {index} is {id:?} but the runner's is {ours:?}: rebuild the guest"
                    ));
                }
                Progress::CaseStarted(index)
            }
            Record::Obs(observation) => {
                match self.open {
                    Some(i) if self.cases[i].trace.len() >= MAX_RECORDS => {
                        self.damage(format!("more than {MAX_RECORDS} observations in one case"));
                    }
                    Some(i) => {
                        self.cases[i].trace.push(Traced::new(&observation));
                        return Progress::Observed;
                    }
                    None => self.damage("observation outside a case".into()),
                }
                Progress::Nothing
            }
            Record::Skip { reason } => {
                match self.open {
                    Some(i) => {
                        self.cases[i].skip.get_or_insert_with(|| reason.to_owned());
                    }
                    None => self.damage("skip outside a case".into()),
                }
                Progress::Nothing
            }
            Record::CaseEnd { index } => match self.open.take() {
                Some(i) if self.cases[i].index == usize::from(index) => {
                    self.cases[i].ended = true;
                    Progress::CaseEnded(usize::from(index))
                }
                _ => {
                    self.damage(format!("end record for case {index}, which is not running"));
                    Progress::Nothing
                }
            },
            Record::Done { .. } => {
                self.done = true;
                Progress::Done
            }
            Record::Request { id, request } => Progress::Request { id, request },
            Record::Log(_) => Progress::Nothing,
        }
    }

    fn damage(&mut self, why: String) {
        match self.open {
            Some(i) => {
                self.cases[i].damage.get_or_insert(why);
            }
            None => self.problems.push(why),
        }
    }
}

#[cfg(test)]
mod noisy_console;

#[cfg(test)]
mod tests {
    use super::*;
    use guest_kit::protocol::{LineBuf, encode};
    use guest_kit::{Arch, GicVersion, Observation, Site, Width};

    const INFO: TargetInfo = TargetInfo {
        arch: Arch::Aarch64,
        gic: GicVersion::V2,
        cpus: 1,
        it_lines: 2,
        pri_bits: 5,
        its: false,
        arena: 0,
        lpi_clearable: false,
        inject: guest_kit::inject::Injection::empty(),
        x86: guest_kit::X86Info::NONE,
    };

    fn catalogue(index: usize) -> Option<&'static str> {
        ["gic.a", "gic.b"].get(index).copied()
    }

    fn line(seq: u32, r: Record<'_>) -> String {
        encode(seq, &r, &mut LineBuf::default()).unwrap().to_owned()
    }

    fn read(value: u64) -> Record<'static> {
        Record::Obs(Observation::Read {
            site: Site::Gicd(0x200),
            width: Width::B32,
            value,
        })
    }

    fn feed_all(lines: &[String]) -> Session {
        let mut s = Session::new();
        for l in lines {
            s.feed(l, &catalogue);
        }
        s
    }

    fn good() -> Vec<String> {
        vec![
            line(0, Record::Config(INFO)),
            line(
                1,
                Record::CaseStart {
                    index: 0,
                    id: "gic.a",
                },
            ),
            line(2, read(1)),
            line(3, read(2)),
            line(4, Record::CaseEnd { index: 0 }),
            line(5, Record::Done { cases: 1 }),
        ]
    }

    #[test]
    fn clean_boot_assembles_one_ended_case_with_its_records() {
        let s = feed_all(&good());
        assert!(s.done && s.problems.is_empty());
        assert_eq!(s.info, Some(INFO));
        assert_eq!(s.cases.len(), 1);
        assert!(s.cases[0].ended && s.cases[0].damage.is_none());
        assert_eq!(s.cases[0].trace.len(), 2);
    }

    #[test]
    fn duplicated_record_damages_its_case() {
        let mut lines = good();
        lines.insert(3, lines[2].clone());
        let s = feed_all(&lines);
        let damage = s.cases[0].damage.as_deref().unwrap();
        assert!(damage.contains("duplicated or reordered"), "{damage}");
    }

    #[test]
    fn reordered_records_damage_their_case() {
        let mut lines = good();
        lines.swap(2, 3);
        let s = feed_all(&lines);
        assert!(
            s.cases[0]
                .damage
                .as_deref()
                .unwrap()
                .contains("expected #2, got #3")
        );
    }

    #[test]
    fn guest_built_from_another_catalogue_is_damage_not_a_result() {
        let mut lines = good();
        lines[1] = line(
            1,
            Record::CaseStart {
                index: 0,
                id: "gic.renamed",
            },
        );
        let s = feed_all(&lines);
        assert!(
            s.cases[0]
                .damage
                .as_deref()
                .unwrap()
                .contains("rebuild the guest")
        );
    }

    #[test]
    fn case_without_end_record_is_damaged_when_the_next_starts() {
        let lines = vec![
            line(0, Record::Config(INFO)),
            line(
                1,
                Record::CaseStart {
                    index: 0,
                    id: "gic.a",
                },
            ),
            line(
                2,
                Record::CaseStart {
                    index: 1,
                    id: "gic.b",
                },
            ),
        ];
        let s = feed_all(&lines);
        assert!(!s.cases[0].ended);
        assert!(
            s.cases[0]
                .damage
                .as_deref()
                .unwrap()
                .contains("no end record")
        );
        assert_eq!(s.open_case().map(|c| c.index), Some(1));
    }

    #[test]
    fn console_noise_is_kept_in_the_tail_but_is_no_record() {
        let mut lines = good();
        lines.insert(0, "U-Boot 2024.01".into());
        let s = feed_all(&lines);
        assert!(s.cases[0].damage.is_none());
        assert_eq!(s.tail().first().map(String::as_str), Some("U-Boot 2024.01"));
    }
}
