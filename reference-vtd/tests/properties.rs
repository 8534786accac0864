//! Properties over random sequences of guest and device operations (proptest: a failure
//! shrinks to a minimal sequence and is replayable).

use proptest::prelude::*;
use reference_vtd::lowest::{Candidate, choose};
use reference_vtd::{
    AddressFormat, DeliveryMode, InterruptMessage, LocalApic, Machine, MachineConfig, PiControl,
    PiDescriptor, Posting, RemapConfig, Routing, Shorthand, Target, TriggerMode, Urgency, Vector,
    VectorSet, allowed_lowest_priority_choices,
};

fn enabled_apic() -> LocalApic {
    let mut m = Machine::new(MachineConfig::default());
    m.write_lapic(0, 0xf0, 0x1ff);
    m.lapic(0).unwrap().clone()
}

fn message(v: u8, trigger: TriggerMode) -> InterruptMessage {
    InterruptMessage {
        vector: Vector(v),
        delivery: DeliveryMode::Fixed,
        trigger,
        target: Target::Shorthand {
            sender: 0,
            shorthand: Shorthand::SelfOnly,
        },
    }
}

/// One step on a single local APIC.
#[derive(Clone, Debug)]
enum ApicOp {
    Accept(u8, bool),
    Deliver,
    Eoi,
    Tpr(u8),
}

fn apic_op() -> impl Strategy<Value = ApicOp> {
    prop_oneof![
        (16u8.., any::<bool>()).prop_map(|(v, l)| ApicOp::Accept(v, l)),
        Just(ApicOp::Deliver),
        Just(ApicOp::Eoi),
        any::<u8>().prop_map(ApicOp::Tpr),
    ]
}

fn apply(l: &mut LocalApic, op: &ApicOp) -> Option<Vector> {
    match *op {
        ApicOp::Accept(v, level) => {
            let t = if level {
                TriggerMode::Level
            } else {
                TriggerMode::Edge
            };
            l.accept(&message(v, t));
            None
        }
        ApicOp::Deliver => l.deliver(),
        ApicOp::Eoi => {
            l.eoi();
            None
        }
        ApicOp::Tpr(t) => {
            let _ = l.write_reg(reference_vtd::lapic::regs::RegKind::Tpr, u64::from(t), 0);
            None
        }
    }
}

proptest! {
    #[test]
    fn at_most_one_vector_per_priority_class_is_in_service(
        ops in proptest::collection::vec(apic_op(), 0..80)
    ) {
        let mut l = enabled_apic();
        for op in &ops {
            apply(&mut l, op);
            let mut classes = [0u8; 16];
            for v in l.isr().iter() {
                classes[usize::from(v.priority_class())] += 1;
            }
            prop_assert!(classes.iter().all(|&n| n <= 1), "ISR {:?}", l.isr());
        }
    }

    #[test]
    fn eoi_always_clears_exactly_the_highest_isr_bit(
        ops in proptest::collection::vec(apic_op(), 0..80)
    ) {
        let mut l = enabled_apic();
        for op in &ops {
            apply(&mut l, op);
        }
        let before = *l.isr();
        l.eoi();
        let mut expected = before;
        if let Some(top) = before.highest() {
            expected.remove(top);
        }
        prop_assert_eq!(*l.isr(), expected);
    }

    #[test]
    fn a_delivered_vector_always_outranks_the_ppr_it_was_delivered_against(
        ops in proptest::collection::vec(apic_op(), 0..80)
    ) {
        let mut l = enabled_apic();
        for op in &ops {
            let ppr = l.ppr();
            let irr = *l.irr();
            if let Some(v) = apply(&mut l, op) {
                prop_assert!(v.priority_class() > ppr >> 4);
                prop_assert_eq!(Some(v), irr.highest(), "the highest IRR vector");
            }
        }
    }

    #[test]
    fn a_masked_rte_never_delivers(
        pin in 0u8..24,
        vector in 32u8..,
        level in any::<bool>(),
        toggles in proptest::collection::vec(any::<bool>(), 0..20),
        eois in proptest::collection::vec(any::<u8>(), 0..5),
    ) {
        let mut m = Machine::new(MachineConfig::default());
        m.write_lapic(0, 0xf0, 0x1ff);
        let low = u32::from(vector) | 1 << 16 | u32::from(level) << 15;
        m.write_ioapic(0, 1, u32::from(0x10 + 2 * pin));
        m.write_ioapic(0x10, 4, low);
        for t in toggles {
            m.set_line(u32::from(pin), t);
        }
        for e in eois {
            m.write_ioapic(0x40, 4, u32::from(e));
        }
        prop_assert!(m.lapic(0).unwrap().irr().is_empty());
        prop_assert!(m.take_interrupts(0).is_empty());
    }

    #[test]
    fn lowest_priority_delivery_picks_exactly_one_cpu_of_the_destination_set(
        set in proptest::collection::btree_map(0usize..16, (any::<u8>(), any::<bool>()), 0..8),
        vector in any::<u8>(),
        previous in proptest::option::of(0usize..16),
    ) {
        let candidates: Vec<Candidate> = set
            .iter()
            .map(|(&cpu, &(apr, focus))| Candidate { cpu, apr, focus })
            .collect();
        for &policy in allowed_lowest_priority_choices() {
            let pick = choose(policy, vector, &candidates, previous);
            prop_assert_eq!(pick.is_some(), !candidates.is_empty());
            if let Some(cpu) = pick {
                prop_assert!(set.contains_key(&cpu));
            }
        }
    }

    #[test]
    fn a_lowest_priority_ipi_lands_on_exactly_one_cpu(
        tprs in proptest::collection::vec(any::<u8>(), 1..6),
        vector in 32u8..,
        policy in 0usize..3,
    ) {
        let policy = allowed_lowest_priority_choices()[policy];
        let mut m = Machine::new(MachineConfig {
            cpus: tprs.len(),
            lowest_priority: policy,
            ..MachineConfig::default()
        });
        for (cpu, &tpr) in tprs.iter().enumerate() {
            m.write_lapic(cpu, 0xf0, 0x1ff);
            m.write_lapic(cpu, 0x80, u32::from(tpr));
        }
        m.write_lapic(0, 0x310, 0xff00_0000);
        m.write_lapic(0, 0x300, 0x4100 | u32::from(vector));
        let holders = (0..tprs.len())
            .filter(|&c| m.lapic(c).unwrap().irr().contains(Vector(vector)))
            .count();
        prop_assert_eq!(holders, 1);
    }

    #[test]
    fn posting_then_syncing_delivers_exactly_the_posted_vectors(
        posts in proptest::collection::vec((any::<u8>(), any::<bool>(), any::<bool>()), 0..40),
    ) {
        let mut d = PiDescriptor {
            pir: VectorSet::new(),
            control: PiControl(0).with_nv(0xf2),
        };
        let mut posted = VectorSet::new();
        let mut notifications = 0;
        for (v, urgent, sn) in posts {
            d.control = d.control.with_sn(sn);
            posted.insert(Vector(v));
            let n = if urgent {
                d.post_by_iommu(Vector(v), Urgency::Urgent, AddressFormat::X2Apic)
            } else {
                d.post_by_cpu(Vector(v), AddressFormat::X2Apic)
            };
            if n.is_some() {
                notifications += 1;
                prop_assert!(d.control.on());
            }
        }
        prop_assert!(notifications <= 1, "ON holds back every later notification");
        prop_assert_eq!(d.take_pending(), posted);
        prop_assert!(d.pir.is_empty() && !d.control.on());
    }

    #[test]
    fn no_register_access_sequence_panics(
        ops in proptest::collection::vec((0u8..8, any::<u32>(), any::<u64>(), 0u8..9), 0..60),
    ) {
        let mut m = Machine::new(MachineConfig {
            cpus: 2,
            remapping: Some(RemapConfig { posting: Posting::Supported, x2apic: true, ..RemapConfig::default() }),
            ..MachineConfig::default()
        });
        for (space, offset, value, width) in ops {
            let cpu = (value & 1) as usize;
            match space {
                0 => { m.read_lapic(cpu, offset & 0xfff); }
                1 => m.write_lapic(cpu, offset & 0xff0, value as u32),
                2 => { let _ = m.rdmsr(cpu, 0x800 | (offset & 0xff)); }
                3 => { let _ = m.wrmsr(cpu, [0x1b, 0x6e0, 0x800 | (offset & 0xff)][offset as usize % 3], value); }
                4 => m.write_ioapic(offset & 0x7f, width, value as u32),
                5 => m.write_dmar(offset & 0x3ff, width, value),
                6 => { let _ = m.msi(0xfee0_0000 | u64::from(offset & 0xf_fffc), value as u32, offset as u16); }
                _ => { m.set_line(offset % 30, value & 2 != 0); m.advance_time(value % 1000); }
            }
            for c in 0..2 {
                let taken = m.take_interrupts(c);
                prop_assert!(taken.len() <= 16, "one vector per class at most");
            }
        }
    }

    #[test]
    fn the_highest_vector_of_a_set_is_its_maximum(vs in proptest::collection::vec(any::<u8>(), 0..30)) {
        let s: VectorSet = vs.iter().map(|&v| Vector(v)).collect();
        prop_assert_eq!(s.highest(), vs.iter().max().map(|&v| Vector(v)));
        prop_assert_eq!(s.len(), vs.iter().collect::<std::collections::BTreeSet<_>>().len());
    }

    #[test]
    fn a_faulting_wrmsr_changes_nothing(
        msr in prop_oneof![0x800u32..0x840, Just(0x1b), Just(0x6e0)],
        value in any::<u64>(),
        setup in proptest::collection::vec((0x800u32..0x840, any::<u32>()), 0..10),
    ) {
        let mut m = Machine::new(MachineConfig::default());
        m.write_lapic(0, 0xf0, 0x1ff);
        let base = m.rdmsr(0, 0x1b).unwrap();
        m.wrmsr(0, 0x1b, base | 1 << 10).unwrap();
        for (r, v) in setup {
            let _ = m.wrmsr(0, r, u64::from(v));
        }
        let before = m.lapic(0).unwrap().clone();
        if m.wrmsr(0, msr, value).is_err() {
            prop_assert_eq!(m.lapic(0).unwrap(), &before);
        }
    }

    #[test]
    fn a_level_interrupt_is_taken_at_most_once_per_eoi(
        steps in proptest::collection::vec(0u8..4, 0..60),
    ) {
        let mut m = Machine::new(MachineConfig::default());
        m.write_lapic(0, 0xf0, 0x1ff);
        m.write_ioapic(0, 1, 0x10 + 2 * 7);
        m.write_ioapic(0x10, 4, 0x8061);
        let (mut taken, mut eois) = (0, 0);
        for step in steps {
            match step {
                0 => m.set_line(7, true),
                1 => m.set_line(7, false),
                2 => taken += m.take_interrupts(0).len(),
                _ => {
                    if !m.lapic(0).unwrap().isr().is_empty() {
                        eois += 1;
                    }
                    m.write_lapic(0, 0xb0, 0);
                }
            }
            prop_assert!(taken <= eois + 1, "taken {} with {} EOIs", taken, eois);
            let remote_irr = m.ioapic().entry(7).unwrap().remote_irr();
            let lapic = m.lapic(0).unwrap();
            let outstanding = lapic.irr().contains(Vector(0x61)) || lapic.isr().contains(Vector(0x61));
            prop_assert_eq!(remote_irr, outstanding, "remote IRR tracks the outstanding interrupt");
        }
    }

    #[test]
    fn a_request_the_remapping_unit_blocks_never_reaches_a_cpu(
        irte in any::<u128>(),
        handle in 0u16..4,
        sid in any::<u16>(),
    ) {
        let mut m = Machine::new(MachineConfig {
            cpus: 2,
            remapping: Some(RemapConfig { posting: Posting::Unsupported, x2apic: true, ..RemapConfig::default() }),
            ..MachineConfig::default()
        });
        for cpu in 0..2 {
            m.write_lapic(cpu, 0xf0, 0x1ff);
        }
        m.memory_mut().write(0x10_0000 + 16 * u64::from(handle), &irte.to_le_bytes()).unwrap();
        m.write_dmar(0xb8, 8, 0x10_0000 | 1 << 11 | 1);
        m.write_dmar(0x18, 4, 3 << 24);
        let address = 0xfee0_0010 | u64::from(handle) << 5;
        let routing = m.msi(address, 0, sid).unwrap();
        if let Routing::Blocked(_) = routing {
            for cpu in 0..2 {
                prop_assert!(m.lapic(cpu).unwrap().irr().is_empty());
                prop_assert!(m.take_events(cpu).is_empty());
            }
        }
    }
}
