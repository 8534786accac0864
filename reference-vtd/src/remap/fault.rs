//! Interrupt-remapping faults: the reasons (VT-d §5.1.4.1, "Interrupt Remapping Fault
//! Conditions", fault reasons 20h-28h), the fault recording registers and the fault event
//! (VT-d §7.2.1 "Primary Fault Logging", §7.3 "Fault Event", §11.4.9-§11.4.14).
//!
//! Invariants:
//! - A [`FaultReason`] is named after the spec's condition and carries its spec encoding.
//! - Qualified reasons ([`FaultReason::is_qualified`]) are recorded only when the IRTE's FPD
//!   (fault processing disable) is clear; the others are always recorded.
//! - Recording follows primary fault logging: the register at FSTS.FRI is used if its F bit is
//!   clear and FRI advances (wrapping); a full register sets PFO instead and the fault is lost;
//!   while PFO is set nothing more is recorded.
//! - A fault event (the interrupt FEDATA/FEADDR describe) is raised when a fault condition
//!   appears while no fault status (PPF, PFO, IQE) was pending: sent at once if FECTL.IM is
//!   clear, otherwise held in FECTL.IP and sent when IM is cleared.

use crate::bits::bitfield;

/// Why the remapping hardware blocked an interrupt request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaultReason {
    /// 20h: decoding the request per the remappable format found a reserved field set.
    RemappableRequestReservedField = 0x20,
    /// 21h: the interrupt index exceeds the interrupt-remapping table size (or the entry lies
    /// beyond the host address width).
    IndexExceedsTableSize = 0x21,
    /// 22h: the Present field of the IRTE is clear.
    IrteNotPresent = 0x22,
    /// 23h: accessing the interrupt-remapping table through IRTA_REG failed.
    IrtAccessError = 0x23,
    /// 24h: a reserved (or conditionally reserved) field of a present IRTE is set.
    IrteReservedField = 0x24,
    /// 25h: a compatibility-format request was blocked (EIME set, or CFIS clear).
    CompatibilityFormatBlocked = 0x25,
    /// 26h: the requester's source-id failed the IRTE's SID/SQ/SVT verification.
    SourceIdVerificationFailed = 0x26,
    /// 27h: accessing the posted-interrupt descriptor failed.
    PostedDescriptorAccessError = 0x27,
    /// 28h: a reserved field of the posted-interrupt descriptor is set.
    PostedDescriptorReservedField = 0x28,
}

impl FaultReason {
    /// The fault reason encoding (the FR field).
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Qualified faults are suppressed by the IRTE's FPD (VT-d §5.1.4.1).
    pub fn is_qualified(self) -> bool {
        matches!(
            self,
            FaultReason::IrteNotPresent
                | FaultReason::IrteReservedField
                | FaultReason::SourceIdVerificationFailed
                | FaultReason::PostedDescriptorAccessError
                | FaultReason::PostedDescriptorReservedField
        )
    }
}

bitfield! {
    /// A 128-bit fault recording register (VT-d §11.4.14).
    pub struct FaultRecord(u128) {
        /// Fault info: for interrupt-remapping faults, bits 63:48 hold the interrupt index.
        interrupt_index, with_interrupt_index: 48 ..= 63 as u16;
        /// Source identifier of the faulting request.
        source_id, with_source_id: 64 ..= 79 as u16;
        /// Fault reason.
        reason, with_reason: 96 ..= 103 as u8;
        /// Fault (RW1C).
        fault, with_fault: 127 ..= 127 as bool;
    }
}

bitfield! {
    /// Fault status register (VT-d §11.4.9).
    pub struct Fsts(u32) {
        /// Primary fault overflow (RW1C).
        pfo, with_pfo: 0 ..= 0 as bool;
        /// Primary pending fault (read-only: some fault recording register has F set).
        ppf, with_ppf: 1 ..= 1 as bool;
        /// Invalidation queue error (RW1C).
        iqe, with_iqe: 4 ..= 4 as bool;
        /// Invalidation completion error (RW1C; never set here).
        ice, with_ice: 5 ..= 5 as bool;
        /// Invalidation time-out error (RW1C; never set here).
        ite, with_ite: 6 ..= 6 as bool;
        /// Fault record index (read-only).
        fri, with_fri: 8 ..= 15 as u8;
    }
}

impl Fsts {
    /// RW1C bits.
    pub const RW1C: u32 = 1 | 1 << 4 | 1 << 5 | 1 << 6;
}

bitfield! {
    /// An event control register: FECTL or IECTL (VT-d §11.4.10, §11.4.26).
    pub struct EventControl(u32) {
        /// Interrupt pending (read-only).
        ip, with_ip: 30 ..= 30 as bool;
        /// Interrupt mask.
        im, with_im: 31 ..= 31 as bool;
    }
}

impl EventControl {
    /// Reset value: masked (VT-d §11.4.10).
    pub const RESET: EventControl = EventControl(1 << 31);
}

/// An event interrupt's registers: control, data, address, upper address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventRegs {
    /// FECTL / IECTL.
    pub control: EventControl,
    /// FEDATA / IEDATA.
    pub data: u32,
    /// FEADDR / IEADDR.
    pub address: u32,
    /// FEUADDR / IEUADDR.
    pub upper_address: u32,
}

impl EventRegs {
    /// Reset: masked, everything else 0.
    pub fn reset() -> EventRegs {
        EventRegs {
            control: EventControl::RESET,
            ..EventRegs::default()
        }
    }

    /// An event condition occurred: returns the (address, data) to send now, if unmasked;
    /// otherwise the event is held in IP.
    pub fn raise(&mut self) -> Option<(u64, u32)> {
        if self.control.im() {
            self.control = self.control.with_ip(true);
            None
        } else {
            self.control = self.control.with_ip(false);
            Some(self.message())
        }
    }

    /// Software writes the control register: clearing IM with IP set sends the held event.
    pub fn write_control(&mut self, value: u32) -> Option<(u64, u32)> {
        let im = EventControl(value).im();
        self.control = self.control.with_im(im);
        if !im && self.control.ip() {
            self.control = self.control.with_ip(false);
            return Some(self.message());
        }
        None
    }

    fn message(&self) -> (u64, u32) {
        (
            u64::from(self.upper_address) << 32 | u64::from(self.address),
            self.data,
        )
    }
}

/// The primary fault log: the fault recording registers and FSTS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultLog {
    /// The fault recording registers.
    pub records: [FaultRecord; NUM_FAULT_RECORDS],
    fsts: Fsts,
}

/// Number of fault recording registers (CAP.NFR + 1; irqsuite's choice).
pub const NUM_FAULT_RECORDS: usize = 4;

impl Default for FaultLog {
    fn default() -> Self {
        FaultLog {
            records: [FaultRecord(0); NUM_FAULT_RECORDS],
            fsts: Fsts(0),
        }
    }
}

impl FaultLog {
    /// FSTS as software reads it (PPF derived from the F bits).
    pub fn fsts(&self) -> Fsts {
        self.fsts.with_ppf(self.records.iter().any(|r| r.fault()))
    }

    /// Is any fault status pending (a new condition then raises no new event)?
    pub fn status_pending(&self) -> bool {
        let f = self.fsts();
        f.ppf() || f.pfo() || f.iqe() || f.ice() || f.ite()
    }

    /// Record a fault. Returns whether a fault event condition arose.
    pub fn record(&mut self, reason: FaultReason, source_id: u16, index: u16) -> bool {
        let was_pending = self.status_pending();
        if self.fsts.pfo() {
            return false;
        }
        let fri = usize::from(self.fsts.fri()) % NUM_FAULT_RECORDS;
        if self.records[fri].fault() {
            self.fsts = self.fsts.with_pfo(true);
        } else {
            self.records[fri] = FaultRecord(0)
                .with_interrupt_index(index)
                .with_source_id(source_id)
                .with_reason(reason.code())
                .with_fault(true);
            self.fsts = self.fsts.with_fri(((fri + 1) % NUM_FAULT_RECORDS) as u8);
        }
        !was_pending
    }

    /// Set IQE. Returns whether a fault event condition arose.
    pub fn invalidation_queue_error(&mut self) -> bool {
        let was_pending = self.status_pending();
        self.fsts = self.fsts.with_iqe(true);
        !was_pending
    }

    /// Is IQE set?
    pub fn iqe(&self) -> bool {
        self.fsts.iqe()
    }

    /// Software writes FSTS: RW1C bits clear.
    pub fn write_fsts(&mut self, value: u32) {
        self.fsts = Fsts(self.fsts.0 & !(value & Fsts::RW1C));
    }

    /// Software writes the upper half of fault recording register `n`: F is RW1C.
    pub fn write_record_high(&mut self, n: usize, high: u64) {
        if let Some(r) = self.records.get_mut(n)
            && high >> 63 != 0
        {
            *r = r.with_fault(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_reasons_carry_the_spec_encodings() {
        assert_eq!(FaultReason::RemappableRequestReservedField.code(), 0x20);
        assert_eq!(FaultReason::IndexExceedsTableSize.code(), 0x21);
        assert_eq!(FaultReason::SourceIdVerificationFailed.code(), 0x26);
        assert!(FaultReason::IrteNotPresent.is_qualified());
        assert!(!FaultReason::CompatibilityFormatBlocked.is_qualified());
    }

    #[test]
    fn faults_fill_the_records_in_order_then_overflow() {
        let mut log = FaultLog::default();
        assert!(log.record(FaultReason::IrteNotPresent, 0x10, 1));
        for i in 2..=NUM_FAULT_RECORDS as u16 {
            assert!(!log.record(FaultReason::IrteNotPresent, 0x10, i));
        }
        assert_eq!(log.fsts().fri(), 0);
        assert!(!log.fsts().pfo());
        log.record(FaultReason::IrteNotPresent, 0x10, 99);
        assert!(log.fsts().pfo(), "the register at FRI is still full");
        assert_eq!(
            log.records[0].interrupt_index(),
            1,
            "the overflowing fault is lost"
        );
    }

    #[test]
    fn clearing_f_and_pfo_lets_the_next_fault_raise_an_event_again() {
        let mut log = FaultLog::default();
        assert!(log.record(FaultReason::IrteNotPresent, 1, 0));
        log.write_record_high(0, 1 << 63);
        assert!(!log.fsts().ppf());
        assert!(log.record(FaultReason::IrteNotPresent, 1, 0));
    }

    #[test]
    fn a_masked_fault_event_is_held_and_sent_on_unmask() {
        let mut ev = EventRegs::reset();
        ev.address = 0xfee0_0000;
        ev.data = 0x55;
        assert_eq!(ev.raise(), None);
        assert!(ev.control.ip());
        assert_eq!(ev.write_control(0), Some((0xfee0_0000, 0x55)));
        assert!(!ev.control.ip());
    }
}
