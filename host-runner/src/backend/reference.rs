//! `reference`: cases run in-process against the reference models (reference-vgic for the GIC
//! targets, reference-vtd for the x86 ones). No machine, no hypervisor.

use std::time::Instant;

use guest_kit::inject::Injection;

use super::{Backend, Limits, Sink, TargetSpec, Unavailable};
use crate::events::RunEvent;
use crate::judge;

/// The reference backend.
pub struct Reference;

/// Two CPUs, so multi-CPU cases run on the model, which serves every host-side request (of its
/// architecture: the GIC model refuses x86 MSIs, which no GIC case asks for).
const GIC_TARGETS: [TargetSpec; 3] = super::gic_targets(2, Injection::all());

/// The x86 machines: an IOAPIC's pins (GSIs) and MSIs from PCI requesters.
const X86_TARGETS: [TargetSpec; 3] =
    super::x86_targets(2, Injection::LINE.union(Injection::X86_MSI));

/// The GIC targets (against reference-vgic), then the x86 ones (against reference-vtd).
const TARGETS: [TargetSpec; 6] = [
    GIC_TARGETS[0],
    GIC_TARGETS[1],
    GIC_TARGETS[2],
    X86_TARGETS[0],
    X86_TARGETS[1],
    X86_TARGETS[2],
];

impl Backend for Reference {
    fn name(&self) -> &'static str {
        "reference"
    }
    fn describe(&self) -> &'static str {
        "in-process, against reference-vgic (GIC) and reference-vtd (x86); needs no hypervisor"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        &TARGETS
    }
    fn availability(&self) -> Result<(), Unavailable> {
        Ok(())
    }
    fn run(&self, target: &TargetSpec, cases: &[usize], _limits: Limits, sink: Sink<'_>) {
        let name = self.target_name(target);
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
            facts: Default::default(),
            problems: vec![],
        });
    }
}
