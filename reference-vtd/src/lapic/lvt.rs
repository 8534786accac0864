//! Local vector table entries, the spurious-interrupt vector register and the error status
//! register (SDM vol. 3 §11.5.1 Figure 11-8, §11.9 Figure 11-23, §11.5.3 Figure 11-9).
//!
//! Invariants:
//! - Each LVT entry keeps only the bits its kind implements ([`LvtKind::writable`]); the
//!   delivery-status and remote-IRR bits are read-only, and in this model delivery status is
//!   always 0 (an interrupt is accepted in the same step it is sent).
//! - While the APIC is software-disabled every LVT mask bit is set and cannot be cleared
//!   (SDM §11.4.7.2).

use crate::bits::{Field, bitfield};
use crate::message::{DeliveryMode, TriggerMode};

/// The timer mode of the LVT timer entry, bits 18:17 (SDM §11.5.1, §11.5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TimerMode {
    /// 00: one-shot, using the initial-count register.
    #[default]
    OneShot,
    /// 01: periodic, reloading from the initial-count register.
    Periodic,
    /// 10: TSC-deadline, using IA32_TSC_DEADLINE.
    TscDeadline,
    /// 11: reserved; the timer does not count.
    Reserved,
}

impl Field for TimerMode {
    fn from_bits(bits: u128) -> TimerMode {
        match bits & 3 {
            0 => TimerMode::OneShot,
            1 => TimerMode::Periodic,
            2 => TimerMode::TscDeadline,
            _ => TimerMode::Reserved,
        }
    }
    fn to_bits(self) -> u128 {
        self as u128
    }
}

bitfield! {
    /// An LVT entry (SDM §11.5.1, Figure 11-8).
    pub struct Lvt(u32) {
        /// Vector.
        vector, with_vector: 0 ..= 7 as u8;
        /// Delivery mode (not in the timer and error entries).
        delivery_mode, with_delivery_mode: 8 ..= 10 as DeliveryMode;
        /// Delivery status (read-only, always 0 here).
        delivery_status, with_delivery_status: 12 ..= 12 as bool;
        /// Interrupt input pin polarity, active low (LINT0/1 only).
        active_low, with_active_low: 13 ..= 13 as bool;
        /// Remote IRR (LINT0/1 only, read-only).
        remote_irr, with_remote_irr: 14 ..= 14 as bool;
        /// Trigger mode (LINT0/1 only).
        trigger_mode, with_trigger_mode: 15 ..= 15 as TriggerMode;
        /// Masked.
        masked, with_masked: 16 ..= 16 as bool;
        /// Timer mode (timer entry only).
        timer_mode, with_timer_mode: 17 ..= 18 as TimerMode;
    }
}

impl Lvt {
    /// The reset value: masked, everything else 0 (SDM §11.4.7.1).
    pub const RESET: Lvt = Lvt(1 << 16);
}

/// Which LVT entry; the order is the model's array order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LvtKind {
    /// LVT CMCI (xAPIC 0x2F0, MSR 0x82F).
    Cmci,
    /// LVT timer (0x320, 0x832).
    Timer,
    /// LVT thermal sensor (0x330, 0x833).
    Thermal,
    /// LVT performance monitoring counters (0x340, 0x834).
    PerfMon,
    /// LVT LINT0 (0x350, 0x835).
    Lint0,
    /// LVT LINT1 (0x360, 0x836).
    Lint1,
    /// LVT error (0x370, 0x837).
    Error,
}

impl LvtKind {
    /// Every kind, in array order.
    pub const ALL: [LvtKind; 7] = [
        LvtKind::Cmci,
        LvtKind::Timer,
        LvtKind::Thermal,
        LvtKind::PerfMon,
        LvtKind::Lint0,
        LvtKind::Lint1,
        LvtKind::Error,
    ];

    /// Index into the LVT array.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Bits software can write (SDM Figure 11-8): vector and mask everywhere, the delivery
    /// mode where there is one, polarity and trigger mode on LINT0/1, the timer mode on the
    /// timer (TSC-deadline supported, so both bits).
    pub fn writable(self) -> u32 {
        const VECTOR_MASK: u32 = 0xff | 1 << 16;
        const DELIVERY: u32 = 0x700;
        match self {
            LvtKind::Timer => VECTOR_MASK | 0b11 << 17,
            LvtKind::Cmci | LvtKind::Thermal | LvtKind::PerfMon => VECTOR_MASK | DELIVERY,
            LvtKind::Lint0 | LvtKind::Lint1 => VECTOR_MASK | DELIVERY | 1 << 13 | 1 << 15,
            LvtKind::Error => VECTOR_MASK,
        }
    }

    /// Bits that are neither writable nor read-only status: reserved (a set one makes an
    /// x2APIC WRMSR #GP).
    pub fn reserved(self) -> u32 {
        let status = match self {
            LvtKind::Lint0 | LvtKind::Lint1 => 1 << 12 | 1 << 14,
            _ => 1 << 12,
        };
        !(self.writable() | status)
    }
}

bitfield! {
    /// Spurious-interrupt vector register (SDM §11.9, Figure 11-23).
    pub struct Svr(u32) {
        /// Spurious vector.
        vector, with_vector: 0 ..= 7 as u8;
        /// APIC software enable.
        enabled, with_enabled: 8 ..= 8 as bool;
        /// Focus processor checking *disabled*.
        focus_disabled, with_focus_disabled: 9 ..= 9 as bool;
        /// EOI-broadcast suppression (SDM §11.8.5).
        suppress_eoi_broadcast, with_suppress_eoi_broadcast: 12 ..= 12 as bool;
    }
}

impl Svr {
    /// Reset value 0xFF: software-disabled (SDM §11.4.7.1).
    pub const RESET: Svr = Svr(0xff);
    /// Writable bits.
    pub const WRITABLE: u32 = 0xff | 1 << 8 | 1 << 9 | 1 << 12;
}

bitfield! {
    /// Error status register (SDM §11.5.3, Figure 11-9).
    pub struct Esr(u32) {
        /// Send checksum error (P6/Pentium only; never set here).
        send_checksum, with_send_checksum: 0 ..= 0 as bool;
        /// Receive checksum error (never set here).
        receive_checksum, with_receive_checksum: 1 ..= 1 as bool;
        /// Send accept error (P6/Pentium APIC bus only; never set here).
        send_accept, with_send_accept: 2 ..= 2 as bool;
        /// Receive accept error (P6/Pentium APIC bus only; never set here).
        receive_accept, with_receive_accept: 3 ..= 3 as bool;
        /// Redirectable IPI: a lowest-priority IPI the APIC cannot send (never set here).
        redirectable_ipi, with_redirectable_ipi: 4 ..= 4 as bool;
        /// Send illegal vector (0-15).
        send_illegal_vector, with_send_illegal_vector: 5 ..= 5 as bool;
        /// Received illegal vector (0-15).
        received_illegal_vector, with_received_illegal_vector: 6 ..= 6 as bool;
        /// Illegal register address (xAPIC access to a reserved offset).
        illegal_register_address, with_illegal_register_address: 7 ..= 7 as bool;
    }
}
