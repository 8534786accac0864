//! `reference`: cases run in-process against the reference models. No machine, no hypervisor.

use std::time::Instant;

use guest_kit::{Arch, GicVersion, TargetInfo};

use super::{Backend, Limits, Sink, TargetSpec, Unavailable};
use crate::events::{RunEvent, TargetName};
use crate::judge;

/// The reference backend.
pub struct Reference;

/// The reference machine shapes. ITLinesNumber 8 (288 INTIDs) like QEMU's virt board; 5
/// priority bits is irqsuite's choice (the architecture allows 4 to 8 for a non-secure view).
const fn shape(gic: GicVersion) -> TargetInfo {
    TargetInfo {
        arch: Arch::Aarch64,
        gic,
        cpus: 1,
        it_lines: 8,
        pri_bits: 5,
        its: false,
    }
}

const TARGETS: &[TargetSpec] = &[
    TargetSpec {
        name: "gicv2",
        shape: shape(GicVersion::V2),
    },
    TargetSpec {
        name: "gicv3",
        shape: shape(GicVersion::V3),
    },
];

impl Backend for Reference {
    fn name(&self) -> &'static str {
        "reference"
    }
    fn describe(&self) -> &'static str {
        "in-process, against reference-vgic; needs no hypervisor"
    }
    fn targets(&self) -> &'static [TargetSpec] {
        TARGETS
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
