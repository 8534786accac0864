//! One boot's console, decoded: records checked for sequence and integrity, assembled per case.
//!
//! Nothing damaged is ever misread: a garbled, truncated, overlong, duplicated, reordered or lost
//! record marks the case it belongs to as damaged (an `error`), with the reason.

use std::collections::VecDeque;

use guest_kit::TargetInfo;
use guest_kit::protocol::{Record, decode_line};

/// How many console lines are kept as evidence.
pub const TAIL_LINES: usize = 25;

/// What one case printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetCase {
    /// Catalogue index.
    pub index: usize,
    /// The observation records, as printed (decoded again when judged).
    pub records: Vec<String>,
    /// The case skipped itself, with this reason.
    pub skip: Option<String>,
    /// The `end` record arrived.
    pub ended: bool,
    /// The first damage seen while the case was open.
    pub damage: Option<String>,
}

/// What a fed line changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Console text, or a record inside a case.
    Nothing,
    /// The guest reported its configuration.
    Configured,
    /// Case `index` started.
    CaseStarted(usize),
    /// Case `index` ended.
    CaseEnded(usize),
    /// The final record arrived.
    Done,
}

/// The decoded state of one boot.
#[derive(Debug, Default)]
pub struct Session {
    next_seq: u32,
    /// What the guest found, from its `cfg` record.
    pub info: Option<TargetInfo>,
    /// The cases that started, in order.
    pub cases: Vec<TargetCase>,
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
    pub fn open_case(&self) -> Option<&TargetCase> {
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
        self.apply(record, line, catalogue)
    }

    fn apply(
        &mut self,
        record: Record<'_>,
        line: &str,
        catalogue: &dyn Fn(usize) -> Option<&'static str>,
    ) -> Progress {
        match record {
            Record::Config(info) => {
                if self.info.is_some() {
                    self.damage("second cfg record (did the guest restart?)".into());
                }
                self.info = Some(info);
                Progress::Configured
            }
            Record::CaseStart { index, id } => {
                let index = usize::from(index);
                if let Some(open) = self.open_case() {
                    let open = open.index;
                    self.damage(format!("case {open} has no end record before case {index}"));
                    self.open = None;
                }
                self.cases.push(TargetCase {
                    index,
                    ..TargetCase::default()
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
            Record::Obs(_) => {
                match self.open {
                    Some(i) => self.cases[i].records.push(line.to_owned()),
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
