//! `reference`: cases run in-process against the reference models. No machine, no hypervisor.

use std::time::Instant;

use guest_kit::inject::Injection;

use super::{Backend, Limits, Sink, TargetSpec, Unavailable};
use crate::events::{RunEvent, TargetName};
use crate::judge;

/// The reference backend.
pub struct Reference;

/// Two CPUs, so multi-CPU cases run on the model, which serves every host-side request.
const TARGETS: [TargetSpec; 3] = super::gic_targets(2, Injection::all());

impl Backend for Reference {
    fn name(&self) -> &'static str {
        "reference"
    }
    fn describe(&self) -> &'static str {
        "in-process, against reference-vgic; needs no hypervisor"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        &TARGETS
    }
    fn availability(&self) -> Result<(), Unavailable> {
        Ok(())
    }
    fn run(&self, target: &TargetSpec, cases: &[usize], _limits: Limits, sink: Sink<'_>) {
        let name = TargetName {
            backend: self.name(),
            target: target.name,
        };
        let start = Instant::now();
        for &index in cases {
            let result = judge::on_model(&irq_cases::CATALOGUE[index], target.shape);
            sink(RunEvent::CaseFinished {
                name: name.clone(),
                result: Box::new(result),
            });
        }
        sink(RunEvent::TargetFinished {
            name,
            info: Some(target.shape),
            boots: 0,
            elapsed: start.elapsed(),
            console: vec![],
        });
    }
}
