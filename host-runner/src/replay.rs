//! Running a case against the reference model: [`Recorder`] for the reference backend, and
//! [`Replay`] for lockstep comparison with a target's trace (DESIGN.md, seam 2).
//!
//! In lockstep the model consumes the target's trace one observation at a time. Architectural
//! observations must be equal; at an implementation-defined one the model adopts the target's
//! value (noting a difference), so the case follows the path the target took. The first
//! architectural mismatch is the divergence; comparison stops there.

use guest_kit::{Case, Ctx, Observation, TargetInfo, Trace, reset};

use crate::model::ModelPlatform;

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

/// Runs `case` on a fresh model shaped like `info`, from the kit's reset state, into `trace`.
pub fn run_case(case: &Case, info: TargetInfo, trace: &mut dyn Trace) {
    let mut model = ModelPlatform::new(info);
    reset::quiesce(&mut model);
    let mut ctx = Ctx::new(&mut model, trace);
    (case.run)(&mut ctx);
    ctx.finish();
}
