//! The hypervisor's side of posted interrupts, as seed 001 (the VT-d posted-interrupt design)
//! describes it: vCPU run states, the notification and wake-up vectors, blocked lists,
//! suppression, and lowest-priority delivery by vector hashing — driven through a remapping
//! unit that posts into real descriptors in memory.

use reference_vtd::lowest::{Candidate, choose};
use reference_vtd::msi::SubhandleValid;
use reference_vtd::{
    AddressFormat, GuestMemory, HostInterrupt, Irte, LowestPriority, MsiAddress, MsiData,
    PiDescriptor, PiHost, PiHostConfig, Posting, RemapConfig, RemapUnit, RunState, SparseMemory,
    Translation, Vector,
};

const IRT: u64 = 0x10_0000;
const PID0: u64 = 0x20_0000;
const PID1: u64 = 0x20_0040;
const NOTIFY: Vector = Vector(0xf2);
const WAKEUP: Vector = Vector(0xf1);

struct Host {
    mem: SparseMemory,
    unit: RemapUnit,
    pi: PiHost,
}

impl Host {
    /// Two vCPUs (descriptors PID0, PID1); IRTE n posts vector 0x30 + n to vCPU n % 2; IRTE 10
    /// is urgent and posts 0x3a to vCPU 0.
    fn new() -> Host {
        let mut mem = SparseMemory::new();
        let config = PiHostConfig {
            notification_vector: NOTIFY,
            wakeup_vector: WAKEUP,
            format: AddressFormat::X2Apic,
        };
        let pi = PiHost::new(config, &[PID0, PID1], &mut mem).unwrap();
        let mut unit = RemapUnit::new(RemapConfig {
            posting: Posting::Supported,
            x2apic: true,
            ..RemapConfig::default()
        });
        for n in 0..10u8 {
            let pid = if n % 2 == 0 { PID0 } else { PID1 };
            let e = Irte::posted_entry(Vector(0x30 + n), pid);
            mem.write(IRT + 16 * u64::from(n), &e.0.to_le_bytes())
                .unwrap();
        }
        let urgent = Irte::posted_entry(Vector(0x3a), PID0).with_urgent(true);
        mem.write(IRT + 160, &urgent.0.to_le_bytes()).unwrap();
        unit.write(&mut mem, 0xb8, 8, IRT | 1 << 11 | 7).unwrap();
        unit.write(&mut mem, 0x18, 4, 1 << 24 | 1 << 25).unwrap();
        Host { mem, unit, pi }
    }

    /// A device interrupt through IRTE `index`: the notification, if any, as (vector, APIC ID).
    fn device(&mut self, index: u16) -> Option<(Vector, u32)> {
        let a = MsiAddress::remappable_format(index, SubhandleValid::Invalid);
        match self
            .unit
            .translate(&mut self.mem, a, MsiData(0), 0)
            .translation
        {
            Translation::Posted(n) => n.map(|n| (n.vector, n.destination)),
            other => panic!("not posted: {other:?}"),
        }
    }

    fn pid(&self, addr: u64) -> PiDescriptor {
        PiDescriptor::read(&self.mem, addr).unwrap()
    }
}

#[test]
fn a_running_vcpu_gets_posted_vectors_through_the_notification_vector() {
    let mut h = Host::new();
    h.pi.run(&mut h.mem, 0, 2, 2).unwrap();
    assert_eq!(
        h.device(0),
        Some((NOTIFY, 2)),
        "NDST is the pCPU it runs on"
    );
    assert_eq!(h.device(2), None, "ON already set: no second notification");
    let r = h.pi.host_interrupt(&mut h.mem, 2, NOTIFY).unwrap();
    let HostInterrupt::Processed { vcpu: 0, vectors } = r else {
        panic!("{r:?}");
    };
    assert_eq!(
        vectors.iter().collect::<Vec<_>>(),
        [Vector(0x30), Vector(0x32)]
    );
    assert!(!h.pid(PID0).control.on());
    assert_eq!(h.pi.take_virtual(0), Some(Vector(0x32)));
    assert_eq!(h.pi.take_virtual(0), Some(Vector(0x30)));
    assert_eq!(h.pi.take_virtual(0), None);
}

#[test]
fn a_runnable_vcpu_is_not_notified_and_gets_its_vectors_at_the_next_vm_entry() {
    let mut h = Host::new();
    assert_eq!(h.device(1), None, "SN is set while runnable");
    assert!(h.pid(PID1).pir.contains(Vector(0x31)));
    let synced = h.pi.run(&mut h.mem, 1, 0, 0).unwrap();
    assert_eq!(synced.iter().collect::<Vec<_>>(), [Vector(0x31)]);
    assert!(h.pid(PID1).pir.is_empty());
}

#[test]
fn an_urgent_interrupt_notifies_even_a_suppressed_vcpu() {
    let mut h = Host::new();
    h.pi.run(&mut h.mem, 0, 1, 1).unwrap();
    h.pi.preempt(&mut h.mem, 0).unwrap();
    assert_eq!(h.device(0), None);
    h.pi.host_interrupt(&mut h.mem, 1, NOTIFY).unwrap();
    assert_eq!(h.device(10), Some((NOTIFY, 1)));
}

#[test]
fn a_blocked_vcpu_is_woken_by_the_wakeup_vector_on_its_pcpu() {
    let mut h = Host::new();
    h.pi.run(&mut h.mem, 0, 3, 3).unwrap();
    assert!(h.pi.block(&mut h.mem, 0).unwrap());
    assert_eq!(h.pi.blocked_on(3), [0]);
    assert_eq!(h.pid(PID0).control.nv(), WAKEUP.0);
    assert_eq!(h.device(4), Some((WAKEUP, 3)));
    let r = h.pi.host_interrupt(&mut h.mem, 3, WAKEUP).unwrap();
    assert_eq!(r, HostInterrupt::Woken(vec![0]));
    assert_eq!(h.pi.state(0), Some(RunState::Runnable));
    assert_eq!(h.pi.blocked_on(3), [] as [usize; 0]);
    let synced = h.pi.run(&mut h.mem, 0, 3, 3).unwrap();
    assert!(synced.contains(Vector(0x34)));
    assert_eq!(h.pid(PID0).control.nv(), NOTIFY.0);
}

#[test]
fn the_wakeup_handler_leaves_blocked_vcpus_without_on_asleep() {
    let mut h = Host::new();
    h.pi.run(&mut h.mem, 0, 3, 3).unwrap();
    h.pi.run(&mut h.mem, 1, 3, 3).unwrap();
    h.pi.block(&mut h.mem, 0).unwrap();
    h.pi.block(&mut h.mem, 1).unwrap();
    h.device(1);
    let r = h.pi.host_interrupt(&mut h.mem, 3, WAKEUP).unwrap();
    assert_eq!(r, HostInterrupt::Woken(vec![1]));
    assert_eq!(h.pi.state(0), Some(RunState::Blocked(3)));
    assert_eq!(h.pi.blocked_on(3), [0]);
}

#[test]
fn a_vcpu_that_blocks_with_on_already_set_stays_runnable() {
    let mut h = Host::new();
    h.pi.run(&mut h.mem, 0, 3, 3).unwrap();
    h.device(0);
    assert!(!h.pi.block(&mut h.mem, 0).unwrap());
    assert_eq!(h.pi.state(0), Some(RunState::Runnable));
    assert_eq!(h.pi.blocked_on(3), [] as [usize; 0]);
}

#[test]
fn the_notification_vector_on_a_pcpu_without_that_vcpu_is_an_ordinary_interrupt() {
    let mut h = Host::new();
    h.pi.run(&mut h.mem, 0, 1, 1).unwrap();
    assert_eq!(
        h.pi.host_interrupt(&mut h.mem, 2, NOTIFY).unwrap(),
        HostInterrupt::Other
    );
    assert_eq!(
        h.pi.host_interrupt(&mut h.mem, 1, Vector(0x80)).unwrap(),
        HostInterrupt::Other
    );
}

#[test]
fn migrating_a_vcpu_moves_its_notifications_with_ndst() {
    let mut h = Host::new();
    h.pi.run(&mut h.mem, 0, 1, 1).unwrap();
    h.pi.preempt(&mut h.mem, 0).unwrap();
    h.pi.run(&mut h.mem, 0, 5, 5).unwrap();
    assert_eq!(h.device(0), Some((NOTIFY, 5)));
}

#[test]
fn transitions_from_the_wrong_state_are_refused() {
    let mut h = Host::new();
    assert!(h.pi.block(&mut h.mem, 0).is_err(), "not running");
    assert!(h.pi.preempt(&mut h.mem, 0).is_err());
    h.pi.offline(&mut h.mem, 0).unwrap();
    assert!(h.pi.run(&mut h.mem, 0, 0, 0).is_err());
    h.pi.online(0).unwrap();
    assert!(h.pi.run(&mut h.mem, 0, 0, 0).is_ok());
    assert!(h.pi.run(&mut h.mem, 7, 0, 0).is_err());
}

#[test]
fn lowest_priority_posting_by_vector_hashing_targets_one_vcpu_per_vector() {
    // Seed 001: multicast cannot be posted; a lowest-priority interrupt is posted to the vCPU
    // vector hashing picks among its destinations, the same one for every occurrence.
    let dests: Vec<Candidate> = (0..4)
        .map(|cpu| Candidate {
            cpu,
            apr: 0,
            focus: false,
        })
        .collect();
    let pick = |v: u8| choose(LowestPriority::VectorHashing, v, &dests, None).unwrap();
    assert_eq!(pick(0x41), 1);
    assert_eq!(pick(0x41), pick(0x41));
    assert_eq!(pick(0x42), 2);
}
