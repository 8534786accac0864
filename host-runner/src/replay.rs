//! Running a case against the reference model: [`Recorder`] for the reference backend, and
//! [`Replay`] for lockstep comparison with a target's trace (DESIGN.md, seam 2).
//!
//! In lockstep the model consumes the target's trace one observation at a time. Architectural
//! observations must be equal; at an implementation-defined one the model adopts the target's
//! value (noting a difference), so the case follows the path the target took. The first
//! architectural mismatch is the divergence; comparison stops there.

use guest_kit::regs::vtd;
use guest_kit::{Arch, Case, Ctx, Observation, Platform, Site, TargetInfo, Trace, reset};
use reference_vtd::{
    FaultRecordOffset, Posting, allowed_entry_cache_choices, allowed_ioapic_versions,
    allowed_lowest_priority_choices,
};

use crate::model::{self, X86Choices, X86Model};

/// Collects the model's observations.
#[derive(Default)]
pub struct Recorder {
    /// Every observation, in order.
    pub observations: Vec<Observation<'static>>,
    /// Set when the case skipped itself.
    pub skipped: Option<&'static str>,
}

impl Trace for Recorder {
    fn record(&mut self, obs: Observation<'static>) -> u64 {
        self.observations.push(obs);
        obs.value()
    }
    fn skip(&mut self, reason: &'static str) {
        self.skipped.get_or_insert(reason);
    }
}

/// The first place where the target and the model part ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Divergence<'t> {
    /// Index in the case's trace.
    pub index: usize,
    /// The target's observation (absent: the target's trace ended).
    pub target: Option<Observation<'t>>,
    /// The model's observation (absent: the model's trace ended).
    pub model: Option<Observation<'static>>,
}

/// An implementation-defined value the target chose differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImplChoice<'t> {
    /// The label.
    pub label: &'t str,
    /// The target's value.
    pub target: u64,
    /// The model's value.
    pub model: u64,
}

/// Replays a target's trace through the model in lockstep.
pub struct Replay<'t> {
    target: &'t [Observation<'t>],
    cursor: usize,
    /// The first divergence, if any.
    pub divergence: Option<Divergence<'t>>,
    /// Implementation-defined values where the target chose differently.
    pub impl_choices: Vec<ImplChoice<'t>>,
    /// Set when the model-side case skipped itself.
    pub skipped: Option<&'static str>,
}

impl<'t> Replay<'t> {
    /// A replay of `target`.
    pub fn new(target: &'t [Observation<'t>]) -> Self {
        Replay {
            target,
            cursor: 0,
            divergence: None,
            impl_choices: vec![],
            skipped: None,
        }
    }

    /// Ends the replay: a target trace longer than the model's is a divergence too.
    pub fn finish(&mut self) {
        if self.divergence.is_none() && self.cursor < self.target.len() {
            self.divergence = Some(Divergence {
                index: self.cursor,
                target: Some(self.target[self.cursor]),
                model: None,
            });
        }
    }
}

/// Whether a target observation and the model's agree. Faults agree by site and width: the
/// syndrome details of an abort are the hypervisor's, not the architecture's.
fn agree(target: &Observation<'_>, model: &Observation<'_>) -> bool {
    match (target, model) {
        (
            Observation::Fault {
                site: s1,
                width: w1,
                ..
            },
            Observation::Fault {
                site: s2,
                width: w2,
                ..
            },
        ) => s1 == s2 && w1 == w2,
        _ => target == model,
    }
}

impl Trace for Replay<'_> {
    fn record(&mut self, model: Observation<'static>) -> u64 {
        if self.divergence.is_some() {
            return model.value();
        }
        let index = self.cursor;
        let Some(&target) = self.target.get(index) else {
            self.divergence = Some(Divergence {
                index,
                target: None,
                model: Some(model),
            });
            return model.value();
        };
        self.cursor += 1;
        match (target, model) {
            (
                Observation::ImplDefined {
                    label: tl,
                    value: tv,
                },
                Observation::ImplDefined {
                    label: ml,
                    value: mv,
                },
            ) if tl == ml => {
                if tv != mv {
                    self.impl_choices.push(ImplChoice {
                        label: tl,
                        target: tv,
                        model: mv,
                    });
                }
                tv
            }
            (t, m) if agree(&t, &m) => m.value(),
            (t, m) => {
                self.divergence = Some(Divergence {
                    index,
                    target: Some(t),
                    model: Some(m),
                });
                m.value()
            }
        }
    }

    fn skip(&mut self, reason: &'static str) {
        self.skipped.get_or_insert(reason);
    }
}

/// Runs `case` on a fresh model shaped like `info` (of its architecture), from the kit's reset
/// state, into `trace`.
pub fn run_case(case: &Case, info: TargetInfo, trace: &mut dyn Trace) {
    run_case_on(case, model::for_target(info).as_mut(), trace);
}

/// Runs `case` on `model`, from the kit's reset state, into `trace`.
pub fn run_case_on(case: &Case, model: &mut dyn Platform, trace: &mut dyn Trace) {
    reset::quiesce(model);
    let mut ctx = Ctx::new(model, trace);
    (case.run)(&mut ctx);
    ctx.finish();
}

/// A choice of the model's configuration the replay took from the target, because the
/// target's trace follows it and not the model's default (e.g. the CPU lowest-priority
/// messages go to, SDM vol. 3 §11.6.2.4: an implementation-defined choice among the allowed
/// ones).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adopted {
    /// What was chosen.
    pub label: &'static str,
    /// The target's choice.
    pub target: String,
    /// The model's default.
    pub model: String,
}

/// Replays `target` (the trace of `case` on a machine shaped like `info`) through the model in
/// lockstep, finished, with the choices of the model's configuration it adopted from the target.
///
/// On x86 the model first takes the target's VT-d layout from the first CAP_REG value in the
/// trace (the `vtd-cap` implementation-defined value, or a read of `dmar:0x8`): CAP.PI, so a
/// posted-format IRTE means on the model what it meant on the target, and CAP.FRO, so the fault
/// recording registers the case computes from the target's CAP are where the model keeps them.
/// Then, when the replay with irqsuite's choices diverges and one with other allowed choices
/// does not, those are the target's: that replay is returned with the choices adopted. The
/// alternatives: the lowest-priority arbitration ([`allowed_lowest_priority_choices`]), the
/// interrupt entry cache policy ([`allowed_entry_cache_choices`]) and the IOAPIC's version
/// ([`allowed_ioapic_versions`]), fewest departures from irqsuite's choices first.
pub fn lockstep<'t>(
    case: &Case,
    info: TargetInfo,
    target: &'t [Observation<'t>],
) -> (Replay<'t>, Vec<Adopted>) {
    if info.arch != Arch::X86_64 {
        let mut replay = Replay::new(target);
        run_case(case, info, &mut replay);
        replay.finish();
        return (replay, vec![]);
    }
    let choices = target_layout(target, X86Choices::default());
    let replay_with = |choices: X86Choices| {
        let mut replay = Replay::new(target);
        run_case_on(
            case,
            &mut X86Model::with_choices(info, choices),
            &mut replay,
        );
        replay.finish();
        replay
    };
    let replay = replay_with(choices);
    if replay.divergence.is_none() {
        return (replay, vec![]);
    }
    let mut alternatives: Vec<X86Choices> = allowed_lowest_priority_choices()
        .iter()
        .flat_map(|&lowest_priority| {
            allowed_entry_cache_choices()
                .iter()
                .map(move |&entry_cache| (lowest_priority, entry_cache))
        })
        .flat_map(|(lowest_priority, entry_cache)| {
            allowed_ioapic_versions()
                .iter()
                .map(move |&ioapic_version| X86Choices {
                    lowest_priority,
                    entry_cache,
                    ioapic_version,
                    ..choices
                })
        })
        .filter(|&other| other != choices)
        .collect();
    // Fewer departures from irqsuite's choices first.
    alternatives.sort_by_key(|other| adopted(choices, *other).len());
    for other in alternatives {
        let replay = replay_with(other);
        if replay.divergence.is_none() {
            return (replay, adopted(choices, other));
        }
    }
    (replay, vec![])
}

/// The choices of `other` that differ from `ours`, as adopted ones.
fn adopted(ours: X86Choices, other: X86Choices) -> Vec<Adopted> {
    let mut differences = vec![];
    if other.lowest_priority != ours.lowest_priority {
        differences.push(Adopted {
            label: "lowest-priority",
            target: format!("{:?}", other.lowest_priority),
            model: format!("{:?}", ours.lowest_priority),
        });
    }
    if other.entry_cache != ours.entry_cache {
        differences.push(Adopted {
            label: "interrupt-entry-cache",
            target: format!("{:?}", other.entry_cache),
            model: format!("{:?}", ours.entry_cache),
        });
    }
    if other.ioapic_version != ours.ioapic_version {
        differences.push(Adopted {
            label: "ioapic-version",
            target: format!("{:?}", other.ioapic_version),
            model: format!("{:?}", ours.ioapic_version),
        });
    }
    differences
}

/// CAP_REG.PI, bit 59: posted interrupts supported (VT-d §10.4.2).
const CAP_PI: u64 = 1 << 59;

/// The label under which cases record the byte offset of the fault recording registers
/// (CAP.FRO × 16) they read faults at, when they do not record the whole CAP_REG.
pub const FAULT_RECORDS_LABEL: &str = "vtd-fault-records";

/// `choices` with the target's VT-d layout: CAP.PI from the first CAP_REG value its trace holds,
/// and the fault recording registers' offset from it or from a [`FAULT_RECORDS_LABEL`] value;
/// unchanged without them. An offset the model cannot place its records at keeps the model's
/// own (the case then diverges where it reads them, naming both sites).
fn target_layout(target: &[Observation<'_>], choices: X86Choices) -> X86Choices {
    let cap = target.iter().find_map(|o| match *o {
        Observation::ImplDefined {
            label: "vtd-cap",
            value,
        } => Some(value),
        Observation::Read {
            site: Site::Dmar(vtd::CAP),
            value,
            ..
        } => Some(value),
        _ => None,
    });
    let records = target.iter().find_map(|o| match *o {
        Observation::ImplDefined { label, value } if label == FAULT_RECORDS_LABEL => {
            u32::try_from(value).ok()
        }
        _ => None,
    });
    let posting = match cap.map(|cap| cap & CAP_PI) {
        None => choices.posting,
        Some(0) => Posting::Unsupported,
        Some(_) => Posting::Supported,
    };
    let fault_records = cap
        .map(vtd::fault_record_offset)
        .or(records)
        .and_then(|offset| FaultRecordOffset::new(offset).ok())
        .unwrap_or(choices.fault_records);
    X86Choices {
        posting,
        fault_records,
        ..choices
    }
}
