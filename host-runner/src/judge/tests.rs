//! Judging x86 traces: the target's trace (here the model's own, altered where a target would
//! depart) is replayed in lockstep, and a departure names the vector or register, both values,
//! and the interrupt window.

use guest_kit::inject::Injection;
use guest_kit::regs::lapic;
use guest_kit::{Case, Ctx, Needs, Observation, Outcome, Site, TargetInfo, Vector, Width};
use reference_vtd::LowestPriority;

use super::judge_trace;
use crate::backend::x86_shape;
use crate::model::{X86Choices, X86Model};
use crate::replay::{Recorder, run_case, run_case_on};
use crate::verdict::Evidence;

const X2APIC: TargetInfo = x86_shape(2, true, false, Injection::empty());

fn case(id: &str) -> &'static Case {
    irq_cases::CATALOGUE
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no case {id}"))
}

/// The model's own trace of `case` on `info`.
fn model_trace(case: &Case, info: TargetInfo) -> Vec<Observation<'static>> {
    let mut rec = Recorder::default();
    run_case(case, info, &mut rec);
    rec.observations
}

fn position(trace: &[Observation<'_>], want: impl Fn(&Observation<'_>) -> bool) -> usize {
    trace.iter().position(want).expect("the observation")
}

#[test]
fn a_gp_on_a_reserved_x2apic_msr_matches_the_model() {
    let case = case("x86.x2apic-eoi-read-gp");
    let trace = model_trace(case, X2APIC);
    assert!(
        trace
            .iter()
            .any(|o| matches!(o, Observation::X86Fault { .. }))
    );
    let result = judge_trace(case, X2APIC, &trace);
    assert_eq!(result.outcome, Outcome::Pass, "{}", result.reason);
}

#[test]
fn a_vector_the_model_did_not_deliver_fails_naming_it() {
    let case = case("x86.x2apic-self-ipi");
    let mut trace = model_trace(case, X2APIC);
    // The target takes the SELF IPI a second time, in the window where the model takes none.
    let at = position(&trace, |o| *o == Observation::NoVector);
    trace[at] = Observation::Vector(Vector::new(0x40));
    let result = judge_trace(case, X2APIC, &trace);
    assert_eq!(result.outcome, Outcome::Fail);
    assert_eq!(
        result.reason,
        format!(
            "observation {at}: target took vector 0x40; model took no vector \
             (interrupt window 2 on CPU 0)"
        )
    );
    assert!(matches!(result.evidence, Evidence::Divergence { index, .. } if index == at));
}

#[test]
fn a_vector_the_target_did_not_take_fails_naming_the_window() {
    let case = case("x86.x2apic-self-ipi");
    let mut trace = model_trace(case, X2APIC);
    let at = position(&trace, |o| matches!(o, Observation::Vector(_)));
    trace[at] = Observation::NoVector;
    let result = judge_trace(case, X2APIC, &trace);
    assert_eq!(result.outcome, Outcome::Fail);
    assert!(
        result.reason.ends_with(
            "target took no vector; model took vector 0x40 (interrupt window 1 on CPU 0)"
        ),
        "{}",
        result.reason
    );
}

#[test]
fn a_gp_where_the_model_reads_fails_naming_the_msr_and_both_outcomes() {
    let case = case("x86.x2apic-self-ipi");
    let mut trace = model_trace(case, X2APIC);
    let at = position(&trace, |o| matches!(o, Observation::Read { .. }));
    let Observation::Read { site, width, .. } = trace[at] else {
        unreachable!()
    };
    trace[at] = Observation::X86Fault {
        site,
        width,
        vector: Vector::GENERAL_PROTECTION,
        error_code: 0,
    };
    let result = judge_trace(case, X2APIC, &trace);
    assert_eq!(result.outcome, Outcome::Fail);
    assert_eq!(
        result.reason,
        format!(
            "observation {at}: target access to x2APIC APIC_ISR2 raised vector 0xd \
             (error code 0x0); model read x2APIC APIC_ISR2 (8-byte) = 0x1"
        )
    );
}

#[test]
fn a_read_where_the_model_raises_gp_fails_naming_the_msr_and_both_outcomes() {
    let case = case("x86.x2apic-eoi-read-gp");
    let mut trace = model_trace(case, X2APIC);
    // QEMU TCG's answer to RDMSR of the write-only EOI register: 0, no #GP (the check the case
    // makes on it is left out, so that the replay is what judges).
    let at = position(&trace, |o| matches!(o, Observation::X86Fault { .. }));
    trace[at] = Observation::Read {
        site: Site::Msr(lapic::x2apic_msr(lapic::EOI)),
        width: Width::B64,
        value: 0,
    };
    trace.retain(|o| !matches!(o, Observation::Check { .. }));
    let result = judge_trace(case, X2APIC, &trace);
    assert_eq!(result.outcome, Outcome::Fail);
    assert_eq!(
        result.reason,
        format!(
            "observation {at}: target read x2APIC APIC_EOI (8-byte) = 0x0; \
             model access to x2APIC APIC_EOI raised vector 0xd (error code 0x0)"
        )
    );
}

#[test]
fn an_apic_version_the_target_chose_differently_diverges() {
    let case = case("x86.lapic-version");
    let mut trace = model_trace(case, X2APIC);
    let at = position(&trace, |o| matches!(o, Observation::ImplDefined { .. }));
    // QEMU's local APIC: version 0x14, six LVT entries.
    trace[at] = Observation::ImplDefined {
        label: "apic-version",
        value: 0x0005_0014,
    };
    let result = judge_trace(case, X2APIC, &trace);
    assert_eq!(result.outcome, Outcome::Diverge, "{}", result.reason);
    assert_eq!(result.reason, "apic-version = 0x50014 (model 0x1060014)");
}

/// A lowest-priority IPI (logical flat destination: both CPUs) and a window on each CPU.
fn lowest_priority_ipi(ctx: &mut Ctx<'_>) {
    for cpu in 0..2u8 {
        ctx.on_cpu(cpu, |c| c.lapic_write(lapic::LDR, 1 << (24 + cpu)));
    }
    ctx.lapic_write(lapic::ICR_HIGH, 0x03 << 24);
    // Vector 0x41, delivery mode 001 (lowest priority), logical destination mode.
    ctx.lapic_write(lapic::ICR_LOW, 0x41 | 1 << 8 | 1 << 11);
    ctx.take_interrupts();
    ctx.on_cpu(1, |c| {
        c.take_interrupts();
    });
}

const LOWEST_PRIORITY: Case = Case {
    id: "test.lowest-priority-ipi",
    title: "a lowest-priority IPI to two CPUs",
    spec: "Intel SDM vol. 3 11.6.2.4",
    needs: Needs {
        cpus: 2,
        ..Needs::X86
    },
    run: lowest_priority_ipi,
};

#[test]
fn a_lowest_priority_choice_of_the_target_is_adopted_and_diverges() {
    // The target hashes vectors: 0x41 mod 2 picks CPU 1 where irqsuite's choice picks CPU 0.
    let choices = X86Choices {
        lowest_priority: LowestPriority::VectorHashing,
        ..X86Choices::default()
    };
    let mut target = X86Model::with_choices(X2APIC, choices);
    let mut rec = Recorder::default();
    run_case_on(&LOWEST_PRIORITY, &mut target, &mut rec);
    assert!(rec.observations.contains(&Observation::NoVector));
    let result = judge_trace(&LOWEST_PRIORITY, X2APIC, &rec.observations);
    assert_eq!(result.outcome, Outcome::Diverge, "{}", result.reason);
    assert_eq!(
        result.reason,
        "lowest-priority = VectorHashing (model ArbitrationPriority)"
    );
}

#[test]
fn every_x86_case_passes_on_its_own_model_trace() {
    for case in irq_cases::CATALOGUE
        .iter()
        .filter(|c| c.needs.arch == guest_kit::Arch::X86_64)
    {
        for info in [
            x86_shape(2, false, false, Injection::all()),
            x86_shape(2, true, true, Injection::all()),
        ] {
            if case.needs.unmet(&info).is_some() {
                continue;
            }
            let trace = model_trace(case, info);
            let result = judge_trace(case, info, &trace);
            assert!(
                matches!(result.outcome, Outcome::Pass | Outcome::Skip),
                "{}: {} {}",
                case.id,
                result.outcome,
                result.reason
            );
        }
    }
}

#[test]
fn the_model_posts_only_when_the_targets_cap_says_it_can() {
    use crate::replay::lockstep;
    let case = case("x86.vtd-version");
    let info = x86_shape(2, true, true, Injection::empty());
    let mut trace = model_trace(case, info);
    let cap_pi = |trace: &[Observation<'_>]| {
        trace.iter().find_map(|o| match *o {
            Observation::ImplDefined {
                label: "vtd-cap",
                value,
            } => Some(value >> 59 & 1),
            _ => None,
        })
    };
    assert_eq!(cap_pi(&trace), Some(1), "irqsuite's model posts");
    // A target without posting (QEMU's intel-iommu): the replayed model has none either, so
    // its own CAP_REG (recorded beside the target's) says PI = 0.
    for o in trace.iter_mut() {
        if let Observation::ImplDefined {
            label: "vtd-cap",
            value,
        } = o
        {
            *value &= !(1 << 59);
        }
    }
    let (replay, _) = lockstep(case, info, &trace);
    let model_cap = replay
        .impl_choices
        .iter()
        .find(|c| c.label == "vtd-cap")
        .map(|c| c.model);
    // Target and model agree on CAP: no difference is recorded for it.
    assert_eq!(model_cap, None, "{:?}", replay.impl_choices);
    assert!(replay.divergence.is_none());
}

/// The trace of `case` on a target shaped like `info` that makes `choices` (the model standing
/// in for a target with another VT-d implementation).
fn target_trace(case: &Case, info: TargetInfo, choices: X86Choices) -> Vec<Observation<'static>> {
    let mut target = X86Model::with_choices(info, choices);
    let mut rec = Recorder::default();
    run_case_on(case, &mut target, &mut rec);
    rec.observations
}

#[test]
fn fault_records_at_the_targets_fro_are_read_where_the_target_keeps_them() {
    // QEMU's intel-iommu puts the fault recording registers at 0x220 (CAP.FRO = 0x22).
    let info = x86_shape(2, true, true, Injection::all());
    let choices = X86Choices {
        fault_records: reference_vtd::FaultRecordOffset::new(0x220).unwrap(),
        ..X86Choices::default()
    };
    for id in [
        "x86.vtd-fault-not-present",
        "x86.vtd-fault-index-beyond-table",
        "x86.vtd-fault-sid-mismatch",
    ] {
        let case = case(id);
        let trace = target_trace(case, info, choices);
        assert!(
            trace.iter().any(|o| matches!(
                o,
                Observation::Read {
                    site: Site::Dmar(0x228),
                    ..
                }
            )),
            "{id} reads the record at 0x228"
        );
        let result = judge_trace(case, info, &trace);
        assert_eq!(result.outcome, Outcome::Pass, "{id}: {}", result.reason);
    }
}

#[test]
fn an_irte_used_before_its_invalidation_is_an_allowed_choice_and_diverges() {
    let info = x86_shape(2, true, true, Injection::all());
    let case = case("x86.vtd-irte-change-needs-invalidation");
    let choices = X86Choices {
        entry_cache: reference_vtd::EntryCache::ReadsThrough,
        ..X86Choices::default()
    };
    let trace = target_trace(case, info, choices);
    let result = judge_trace(case, info, &trace);
    assert_eq!(result.outcome, Outcome::Diverge, "{}", result.reason);
    assert_eq!(
        result.reason,
        "interrupt-entry-cache = ReadsThrough (model Caches)"
    );
}

#[test]
fn an_82093aa_ioapic_is_an_allowed_choice_and_its_cases_diverge_without_failing() {
    // KVM's in-kernel IOAPIC is the 82093AA: version 0x11, no EOI register.
    let info = x86_shape(2, true, false, Injection::all());
    let choices = X86Choices {
        ioapic_version: reference_vtd::IoapicVersion::I82093aa,
        ..X86Choices::default()
    };
    // The case that records the register names both values...
    let case_ = case("x86.ioapic-version");
    let result = judge_trace(case_, info, &target_trace(case_, info, choices));
    assert_eq!(result.outcome, Outcome::Diverge, "{}", result.reason);
    assert_eq!(result.reason, "ioapic-version = 0x170011 (model 0x170020)");
    // ...and those that merely read it are replayed on an 82093AA, named as the choice.
    for id in [
        "x86.ioapic-version-read-only",
        "x86.ioapic-ioregsel-byte-write",
        "x86.ioapic-unimplemented-register",
    ] {
        let case = case(id);
        let trace = target_trace(case, info, choices);
        let result = judge_trace(case, info, &trace);
        assert_eq!(result.outcome, Outcome::Diverge, "{id}: {}", result.reason);
        assert!(
            result
                .reason
                .contains("ioapic-version = I82093aa (model WithEoiRegister)"),
            "{id}: {}",
            result.reason
        );
    }
}

/// A register sweep (not in the catalogue yet: see `irq_cases::sweep`).
fn sweep_case(id: &str) -> &'static Case {
    irq_cases::sweep::CASES
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no sweep {id}"))
}

const GICV3: TargetInfo =
    crate::backend::aarch64_shape(guest_kit::GicVersion::V3, 2, false, Injection::empty());

/// `trace` with every implementation-defined value named `label` replaced by `f` of it.
fn with_impl(
    trace: &[Observation<'static>],
    label: &str,
    f: impl Fn(u64) -> u64,
) -> Vec<Observation<'static>> {
    trace
        .iter()
        .map(|o| match *o {
            Observation::ImplDefined { label: l, value } if l == label => {
                Observation::ImplDefined {
                    label: l,
                    value: f(value),
                }
            }
            other => other,
        })
        .collect()
}

#[test]
fn a_register_read_again_and_again_diverges_once_per_label_with_a_count() {
    let case = sweep_case("sweep.gicd-iidr");
    let trace = model_trace(case, GICV3);
    let reads = trace
        .iter()
        .filter(|o| matches!(o, Observation::ImplDefined { .. }))
        .count();
    assert!(reads > 30, "the sweep reads GICD_IIDR after every pattern");
    let other_iidr = with_impl(&trace, "gicd-iidr", |_| 0x0100_143b);
    let result = judge_trace(case, GICV3, &other_iidr);
    assert_eq!(result.outcome, Outcome::Diverge, "{}", result.reason);
    assert_eq!(result.reason, "gicd-iidr = 0x100143b (model 0x43b)");
}

#[test]
fn res0_bits_that_keep_what_was_written_diverge_and_bits_that_make_up_a_value_fail() {
    let case = sweep_case("sweep.gicd-irouter");
    let trace = model_trace(case, GICV3);
    // A target whose RES0 bits read back all ones after all ones were written: allowed.
    let mut stored = trace.clone();
    let first = position(&stored, |o| {
        matches!(
            o,
            Observation::ImplDefined {
                label: "gicd-irouter-res0-bits",
                value: 0
            }
        )
    });
    // The first is the read before any write; the next, after all ones.
    let after_ones = first
        + 1
        + position(&stored[first + 1..], |o| {
            matches!(
                o,
                Observation::ImplDefined {
                    label: "gicd-irouter-res0-bits",
                    ..
                }
            )
        });
    stored[after_ones] = Observation::ImplDefined {
        label: "gicd-irouter-res0-bits",
        value: 0xffff_ff00_7f00_0000,
    };
    let result = judge_trace(case, GICV3, &stored);
    assert_eq!(result.outcome, Outcome::Diverge, "{}", result.reason);
    assert!(
        result
            .reason
            .starts_with("gicd-irouter-res0-bits = 0xffffff007f000000")
    );
    // The same bits set before anything was written: the guest's own check fails.
    let mut made_up = trace;
    made_up[first] = Observation::ImplDefined {
        label: "gicd-irouter-res0-bits",
        value: 0x0100_0000,
    };
    made_up[first + 1] = Observation::Check {
        label: "res0-reads-0-or-last-written",
        got: 0,
        expected: 1,
    };
    let result = judge_trace(case, GICV3, &made_up);
    assert_eq!(result.outcome, Outcome::Fail, "{}", result.reason);
    assert!(
        result.reason.contains("res0-reads-0-or-last-written"),
        "{}",
        result.reason
    );
}
