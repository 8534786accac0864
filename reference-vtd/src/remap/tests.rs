//! Unit tests of the remapping unit: the GCMD/GSTS handshake, translation and every fault
//! reason, fault recording and events, the interrupt entry cache and its invalidation, the
//! invalidation queue, and posting.

use super::*;
use crate::access::IgnoreReason;
use crate::memory::{SparseMemory, read_u64, write_u128};
use crate::message::{DestinationMode, Target};
use crate::msi::SubhandleValid;
use crate::posted::descriptor::PiControl;
use crate::remap::inval::IecScope;
use crate::remap::irte::SourceValidation;
use crate::vector::Vector;

const IRT: u64 = 0x10_0000;
const QUEUE: u64 = 0x20_0000;
const PID: u64 = 0x30_0000;

const GCMD: u32 = 0x18;
const GSTS: u32 = 0x1c;
const FSTS: u32 = 0x34;
const FECTL: u32 = 0x38;
const FEDATA: u32 = 0x3c;
const FEADDR: u32 = 0x40;
const IQH: u32 = 0x80;
const IQT: u32 = 0x88;
const IQA: u32 = 0x90;
const ICS: u32 = 0x9c;
const IECTL: u32 = 0xa0;
const IEDATA: u32 = 0xa4;
const IEADDR: u32 = 0xa8;
const IRTA: u32 = 0xb8;
const FRR: u32 = 0x200;

const SIRTP: u32 = 1 << 24;
const IRE: u32 = 1 << 25;
const QIE: u32 = 1 << 26;
const CFI: u32 = 1 << 23;

struct Rig {
    unit: RemapUnit,
    mem: SparseMemory,
    tail: u64,
}

impl Rig {
    /// A unit with a 256-entry table at IRT (x2APIC mode), remapping and QI enabled.
    fn new(posting: Posting) -> Rig {
        Rig::with_config(RemapConfig {
            posting,
            x2apic: true,
            ..RemapConfig::default()
        })
    }

    /// A unit of `config`, set up as [`Rig::new`] does.
    fn with_config(config: RemapConfig) -> Rig {
        let mut rig = Rig {
            unit: RemapUnit::new(config),
            mem: SparseMemory::new(),
            tail: 0,
        };
        rig.write(IRTA, 8, IRT | 1 << 11 | 7);
        rig.gcmd(SIRTP);
        rig.write(IQA, 8, QUEUE);
        rig.gcmd(QIE);
        rig.gcmd(QIE | IRE);
        rig
    }

    fn write(&mut self, offset: u32, width: u8, value: u64) -> Vec<InterruptMessage> {
        self.unit
            .write(&mut self.mem, offset, width, value)
            .unwrap()
    }

    fn read(&self, offset: u32, width: u8) -> u64 {
        self.unit.read(offset, width).unwrap()
    }

    fn gcmd(&mut self, bits: u32) {
        self.write(GCMD, 4, u64::from(bits));
    }

    fn set_irte(&mut self, index: u64, e: Irte) {
        write_u128(&mut self.mem, IRT + 16 * index, e.0).unwrap();
    }

    fn remappable(&mut self, handle: u16, sid: u16) -> RemapOutcome {
        let a = MsiAddress::remappable_format(handle, SubhandleValid::Invalid);
        self.unit.translate(&mut self.mem, a, MsiData(0), sid)
    }

    fn submit(&mut self, descriptor: u128) -> Vec<InterruptMessage> {
        write_u128(&mut self.mem, QUEUE + self.tail, descriptor).unwrap();
        self.tail += 16;
        self.write(IQT, 8, self.tail)
    }
}

fn delivered_vector(o: RemapOutcome) -> Option<Vector> {
    match o.translation {
        Translation::Deliver(m) => Some(m.vector),
        _ => None,
    }
}

#[test]
fn enabling_remapping_follows_the_gcmd_gsts_handshake() {
    let mut u = RemapUnit::new(RemapConfig::default());
    let mut mem = SparseMemory::new();
    u.write(&mut mem, IRTA, 8, IRT | 3).unwrap();
    assert_eq!(u.read(GSTS, 4), Ok(0));
    u.write(&mut mem, GCMD, 4, u64::from(SIRTP)).unwrap();
    assert_eq!(u.read(GSTS, 4), Ok(u64::from(SIRTP)), "IRTPS");
    u.write(&mut mem, GCMD, 4, u64::from(SIRTP | IRE)).unwrap();
    assert_eq!(u.read(GSTS, 4), Ok(u64::from(SIRTP | IRE)));
    assert_eq!(u.read(GCMD, 4), Err(IgnoreReason::WriteOnly));
}

#[test]
fn capabilities_report_fault_recording_and_interrupt_remapping() {
    let u = RemapUnit::new(RemapConfig {
        posting: Posting::Supported,
        x2apic: true,
        ..RemapConfig::default()
    });
    let cap = u.read(0x08, 8).unwrap();
    assert_eq!((cap >> 24) & 0x3ff, 0x20, "FRO");
    assert_eq!((cap >> 40) & 0xff, 3, "NFR");
    assert_eq!(cap >> 59 & 1, 1, "PI");
    let ecap = u.read(0x10, 8).unwrap();
    assert_eq!(ecap & 0b11010, 0b11010, "QI, IR, EIM");
    assert_eq!(u.read(0x0c, 4).unwrap(), cap >> 32);
}

#[test]
fn a_present_remapped_entry_delivers_its_own_vector_and_destination() {
    let mut r = Rig::new(Posting::Unsupported);
    r.set_irte(
        5,
        Irte::remapped(Vector(0x66), 2, AddressFormat::X2Apic)
            .with_destination_mode(DestinationMode::Logical),
    );
    let o = r.remappable(5, 0x0100);
    let Translation::Deliver(m) = o.translation else {
        panic!("{o:?}");
    };
    assert_eq!(m.vector, Vector(0x66));
    assert_eq!(
        m.target,
        Target::Destination(crate::message::Destination::logical(
            2,
            AddressFormat::X2Apic
        ))
    );
}

#[test]
fn a_not_present_entry_is_fault_22h_recorded_with_index_and_source() {
    let mut r = Rig::new(Posting::Unsupported);
    let o = r.remappable(9, 0x00f8);
    assert_eq!(
        o.translation,
        Translation::Blocked(FaultReason::IrteNotPresent)
    );
    let fsts = r.read(FSTS, 4);
    assert_eq!(fsts & 2, 2, "PPF");
    assert_eq!(
        (fsts >> 8) & 0xff,
        0,
        "FRI names the record of the first pending fault"
    );
    assert_eq!(r.read(FRR, 8) >> 48, 9);
    let high = r.read(FRR + 8, 8);
    assert_eq!(high & 0xffff, 0x00f8);
    assert_eq!((high >> 32) & 0xff, 0x22);
    assert_eq!(high >> 63, 1);
}

#[test]
fn fpd_suppresses_qualified_faults_only() {
    let mut r = Rig::new(Posting::Unsupported);
    r.set_irte(1, Irte(0).with_fpd(true));
    assert_eq!(
        r.remappable(1, 0).translation,
        Translation::Blocked(FaultReason::IrteNotPresent)
    );
    assert_eq!(r.read(FSTS, 4) & 2, 0, "nothing recorded");
    r.remappable(1000, 0);
    assert_eq!(r.read(FSTS, 4) & 2, 2, "21h is not qualified");
}

#[test]
fn an_index_beyond_the_table_is_fault_21h() {
    let mut r = Rig::new(Posting::Unsupported);
    assert_eq!(
        r.remappable(256, 0).translation,
        Translation::Blocked(FaultReason::IndexExceedsTableSize)
    );
}

#[test]
fn reserved_data_bits_in_a_remappable_request_are_fault_20h() {
    let mut r = Rig::new(Posting::Unsupported);
    let a = MsiAddress::remappable_format(1, SubhandleValid::Invalid);
    let o = r.unit.translate(&mut r.mem, a, MsiData(1 << 20), 0);
    assert_eq!(
        o.translation,
        Translation::Blocked(FaultReason::RemappableRequestReservedField)
    );
}

#[test]
fn reserved_irte_bits_are_fault_24h() {
    let mut r = Rig::new(Posting::Unsupported);
    r.set_irte(
        2,
        Irte::remapped(Vector(0x40), 0, AddressFormat::X2Apic)
            .with_sq(0)
            .with_svt(SourceValidation::Reserved),
    );
    assert_eq!(
        r.remappable(2, 0).translation,
        Translation::Blocked(FaultReason::IrteReservedField)
    );
}

#[test]
fn a_wrong_requester_is_fault_26h() {
    let mut r = Rig::new(Posting::Unsupported);
    r.set_irte(
        3,
        Irte::remapped(Vector(0x40), 0, AddressFormat::X2Apic)
            .with_sid(0x0010)
            .with_svt(SourceValidation::RequesterId),
    );
    assert_eq!(
        r.remappable(3, 0x0018).translation,
        Translation::Blocked(FaultReason::SourceIdVerificationFailed)
    );
    assert_eq!(
        delivered_vector(r.remappable(3, 0x0010)),
        Some(Vector(0x40))
    );
}

#[test]
fn compatibility_requests_are_blocked_in_x2apic_mode_and_without_cfi() {
    let mut r = Rig::new(Posting::Unsupported);
    let a = MsiAddress::compatibility(0, DestinationMode::Physical);
    let d = MsiData(0).with_vector(0x40);
    let o = r.unit.translate(&mut r.mem, a, d, 0);
    assert_eq!(
        o.translation,
        Translation::Blocked(FaultReason::CompatibilityFormatBlocked)
    );
    // xAPIC mode (EIME clear) with CFI set lets them through.
    r.write(IRTA, 8, IRT | 7);
    r.gcmd(QIE | IRE | SIRTP | CFI);
    let o = r.unit.translate(&mut r.mem, a, d, 0);
    assert_eq!(delivered_vector(o), Some(Vector(0x40)));
}

#[test]
fn with_remapping_disabled_requests_pass_through_as_compatibility_format() {
    let mut u = RemapUnit::new(RemapConfig::default());
    let mut mem = SparseMemory::new();
    let a = MsiAddress::compatibility(1, DestinationMode::Physical);
    let o = u.translate(&mut mem, a, MsiData(0x51), 0);
    assert_eq!(delivered_vector(o), Some(Vector(0x51)));
}

#[test]
fn a_changed_irte_is_seen_only_after_invalidating_its_cache_entry() {
    let mut r = Rig::new(Posting::Unsupported);
    r.set_irte(4, Irte::remapped(Vector(0x40), 0, AddressFormat::X2Apic));
    assert_eq!(delivered_vector(r.remappable(4, 0)), Some(Vector(0x40)));
    r.set_irte(4, Irte::remapped(Vector(0x41), 0, AddressFormat::X2Apic));
    assert_eq!(
        delivered_vector(r.remappable(4, 0)),
        Some(Vector(0x40)),
        "stale"
    );
    r.submit(Descriptor::iec(IecScope::Indexed { index: 5, mask: 0 }));
    assert_eq!(
        delivered_vector(r.remappable(4, 0)),
        Some(Vector(0x40)),
        "other index"
    );
    r.submit(Descriptor::iec(IecScope::Indexed { index: 5, mask: 1 }));
    assert_eq!(delivered_vector(r.remappable(4, 0)), Some(Vector(0x41)));
    r.set_irte(4, Irte::remapped(Vector(0x42), 0, AddressFormat::X2Apic));
    r.submit(Descriptor::iec(IecScope::Global));
    assert_eq!(delivered_vector(r.remappable(4, 0)), Some(Vector(0x42)));
}

#[test]
fn a_unit_that_reads_through_uses_a_changed_irte_at_once() {
    let mut r = Rig::with_config(RemapConfig {
        entry_cache: EntryCache::ReadsThrough,
        ..RemapConfig::default()
    });
    r.set_irte(4, Irte::remapped(Vector(0x40), 0, AddressFormat::X2Apic));
    assert_eq!(delivered_vector(r.remappable(4, 0)), Some(Vector(0x40)));
    r.set_irte(4, Irte::remapped(Vector(0x41), 0, AddressFormat::X2Apic));
    assert_eq!(delivered_vector(r.remappable(4, 0)), Some(Vector(0x41)));
    assert_eq!(r.unit.cached_entries(), 0);
}

#[test]
fn the_fault_records_move_with_the_configured_fro_and_cap_reports_it() {
    let mut r = Rig::with_config(RemapConfig {
        fault_records: FaultRecordOffset::new(0x220).unwrap(),
        ..RemapConfig::default()
    });
    assert_eq!(r.read(0x08, 8) >> 24 & 0x3ff, 0x22, "CAP.FRO");
    r.remappable(4, 0x10);
    let high = r.read(0x228, 8);
    assert_eq!(high >> 63, 1, "F");
    assert_eq!(high >> 32 & 0xff, 0x22, "FR: not present");
    assert_eq!(high & 0xffff, 0x10, "SID");
    assert_eq!(
        r.unit.read(0x208, 8),
        Err(IgnoreReason::Unmapped),
        "nothing at the default offset"
    );
    r.write(0x228, 8, 1 << 63);
    assert_eq!(r.read(0x228, 8) >> 63, 0, "F is write-1-to-clear there");
}

#[test]
fn a_wait_descriptor_writes_its_status_word_and_advances_the_head() {
    let mut r = Rig::new(Posting::Unsupported);
    r.submit(Descriptor::wait_with_status(0x5000, 0xfeed_f00d));
    assert_eq!(read_u64(&r.mem, 0x5000).unwrap() as u32, 0xfeed_f00d);
    assert_eq!(r.read(IQH, 8), 16);
}

#[test]
fn a_wait_descriptor_with_if_sets_iwc_and_raises_the_completion_event() {
    let mut r = Rig::new(Posting::Unsupported);
    r.write(IEDATA, 4, 0x77);
    r.write(IEADDR, 4, 0xfee0_1000);
    r.write(IECTL, 4, 0);
    let events = r.submit(Descriptor::wait_with_interrupt());
    assert_eq!(r.read(ICS, 4), 1);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].vector, Vector(0x77));
    assert!(
        r.submit(Descriptor::wait_with_interrupt()).is_empty(),
        "IWC still set"
    );
    r.write(ICS, 4, 1);
    assert_eq!(r.submit(Descriptor::wait_with_interrupt()).len(), 1);
}

#[test]
fn an_invalid_descriptor_stops_the_queue_with_iqe_until_cleared() {
    let mut r = Rig::new(Posting::Unsupported);
    r.write(FEDATA, 4, 0x88);
    r.write(FEADDR, 4, 0xfee0_0000);
    r.write(FECTL, 4, 0);
    let events = r.submit(0x7);
    assert_eq!(events.len(), 1, "fault event");
    assert_eq!(r.read(FSTS, 4) & 0x10, 0x10);
    assert_eq!(r.read(IQH, 8), 0, "IQH stays on the bad descriptor");
    // Software fixes the descriptor and clears IQE: the queue resumes.
    write_u128(&mut r.mem, QUEUE, Descriptor::wait_with_status(0x6000, 1)).unwrap();
    r.write(FSTS, 4, 0x10);
    assert_eq!(r.read(IQH, 8), 16);
    assert_eq!(read_u64(&r.mem, 0x6000).unwrap(), 1);
}

#[test]
fn disabling_queued_invalidation_resets_the_head() {
    let mut r = Rig::new(Posting::Unsupported);
    r.submit(Descriptor::wait_with_status(0x5000, 1));
    r.gcmd(IRE);
    assert_eq!(r.read(IQH, 8), 0);
    assert_eq!(r.read(GSTS, 4) & u64::from(QIE), 0);
}

#[test]
fn a_masked_fault_event_is_sent_when_fectl_is_unmasked() {
    let mut r = Rig::new(Posting::Unsupported);
    r.write(FEDATA, 4, 0x99);
    r.write(FEADDR, 4, 0xfee0_0000);
    let o = r.remappable(9, 0);
    assert_eq!(o.fault_event, None);
    assert_eq!(r.read(FECTL, 4), 0xc000_0000, "IM and IP");
    let events = r.write(FECTL, 4, 0);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].vector, Vector(0x99));
}

#[test]
fn only_the_first_of_several_pending_faults_raises_an_event() {
    let mut r = Rig::new(Posting::Unsupported);
    r.write(FEDATA, 4, 0x99);
    r.write(FEADDR, 4, 0xfee0_0000);
    r.write(FECTL, 4, 0);
    assert!(r.remappable(9, 0).fault_event.is_some());
    assert!(r.remappable(9, 0).fault_event.is_none());
    // Clear both F bits (32-bit writes to the upper dword) and fault again.
    r.write(FRR + 12, 4, 0x8000_0000);
    r.write(FRR + 16 + 12, 4, 0x8000_0000);
    assert_eq!(r.read(FSTS, 4) & 2, 0);
    assert!(r.remappable(9, 0).fault_event.is_some());
}

#[test]
fn a_full_fault_log_overflows_into_pfo() {
    let mut r = Rig::new(Posting::Unsupported);
    for _ in 0..=fault::NUM_FAULT_RECORDS {
        r.remappable(9, 0);
    }
    assert_eq!(r.read(FSTS, 4) & 1, 1, "PFO");
    r.write(FSTS, 4, 1);
    assert_eq!(r.read(FSTS, 4) & 1, 0);
}

fn write_pid(r: &mut Rig, control: PiControl) {
    let pid = PiDescriptor {
        pir: crate::vector::VectorSet::new(),
        control,
    };
    pid.write(&mut r.mem, PID).unwrap();
}

#[test]
fn a_posted_entry_records_the_vector_and_notifies_once() {
    let mut r = Rig::new(Posting::Supported);
    r.set_irte(7, Irte::posted_entry(Vector(0x35), PID));
    write_pid(&mut r, PiControl(0).with_nv(0xf2).with_ndst(1));
    let o = r.remappable(7, 0);
    assert_eq!(
        o.translation,
        Translation::Posted(Some(Notification {
            vector: Vector(0xf2),
            destination: 1
        }))
    );
    assert_eq!(r.remappable(7, 0).translation, Translation::Posted(None));
    let pid = PiDescriptor::read(&r.mem, PID).unwrap();
    assert!(pid.pir.contains(Vector(0x35)) && pid.control.on());
}

#[test]
fn suppressed_notification_still_posts_and_urgent_overrides() {
    let mut r = Rig::new(Posting::Supported);
    r.set_irte(7, Irte::posted_entry(Vector(0x35), PID));
    r.set_irte(8, Irte::posted_entry(Vector(0x36), PID).with_urgent(true));
    write_pid(&mut r, PiControl(0).with_nv(0xf2).with_sn(true));
    assert_eq!(r.remappable(7, 0).translation, Translation::Posted(None));
    assert!(matches!(
        r.remappable(8, 0).translation,
        Translation::Posted(Some(_))
    ));
}

#[test]
fn reserved_descriptor_bits_are_fault_28h() {
    let mut r = Rig::new(Posting::Supported);
    r.set_irte(7, Irte::posted_entry(Vector(0x35), PID));
    write_pid(&mut r, PiControl(1 << 5));
    assert_eq!(
        r.remappable(7, 0).translation,
        Translation::Blocked(FaultReason::PostedDescriptorReservedField)
    );
}

#[test]
fn an_unreachable_descriptor_is_fault_27h() {
    let mut r = Rig::new(Posting::Supported);
    r.set_irte(7, Irte::posted_entry(Vector(0x35), 1 << 60));
    assert_eq!(
        r.remappable(7, 0).translation,
        Translation::Blocked(FaultReason::PostedDescriptorAccessError)
    );
}
