//! The register sweeps against the reference model: the model's own trace of every sweep, on
//! every Arm machine shape a backend offers, passes its checks and replays in lockstep without
//! a divergence (a sweep raises no false alarm where the model is the target), and the same
//! sweep gives the same trace twice.

use guest_kit::inject::Injection;
use guest_kit::{GicVersion, Outcome, TargetInfo};
use irqsuite::backend::aarch64_shape;
use irqsuite::judge;
use irqsuite::replay::{Recorder, lockstep, run_case};

fn shapes() -> [TargetInfo; 5] {
    [
        aarch64_shape(GicVersion::V2, 1, false, Injection::empty()),
        aarch64_shape(GicVersion::V2, 2, false, Injection::empty()),
        aarch64_shape(GicVersion::V3, 2, false, Injection::empty()),
        aarch64_shape(GicVersion::V3, 2, true, Injection::empty()),
        aarch64_shape(GicVersion::V4, 2, true, Injection::empty()),
    ]
}

#[test]
fn every_sweep_passes_on_the_model_and_replays_against_itself_on_every_arm_shape() {
    let mut ran = 0;
    for info in shapes() {
        for case in irq_cases::sweep::CASES {
            let result = judge::on_model(case, info);
            match result.outcome {
                Outcome::Skip => continue,
                Outcome::Pass => ran += 1,
                other => panic!("{} on {info:?}: {other:?} {}", case.id, result.reason),
            }
            let mut rec = Recorder::default();
            run_case(case, info, &mut rec);
            assert!(
                rec.observations.len() > 10,
                "{}: a sweep reads after every write",
                case.id
            );
            let (replay, adopted) = lockstep(case, info, &rec.observations);
            assert_eq!(replay.divergence, None, "{} on {info:?}", case.id);
            assert!(
                replay.impl_choices.is_empty() && adopted.is_empty(),
                "{}",
                case.id
            );
        }
    }
    assert!(ran >= 5 * 12, "only {ran} sweeps ran");
}

#[test]
fn a_sweep_is_the_same_program_every_time() {
    let info = shapes()[2];
    for case in irq_cases::sweep::CASES {
        let trace = || {
            let mut rec = Recorder::default();
            run_case(case, info, &mut rec);
            rec.observations
        };
        assert_eq!(trace(), trace(), "{}", case.id);
    }
}
