//! The local APIC (Intel SDM vol. 3 chapter 11): xAPIC MMIO offsets (§11.4.1, table 11-1), the
//! x2APIC MSR numbering (§11.12.1.2, table 11-6), IA32_APIC_BASE and the fields cases use.

use core::fmt;

/// Local APIC ID (xAPIC: bits 31:24).
pub const ID: u32 = 0x020;
/// Local APIC Version.
pub const VERSION: u32 = 0x030;
/// Task Priority Register.
pub const TPR: u32 = 0x080;
/// Arbitration Priority Register (xAPIC only).
pub const APR: u32 = 0x090;
/// Processor Priority Register (read only).
pub const PPR: u32 = 0x0a0;
/// EOI register (write only).
pub const EOI: u32 = 0x0b0;
/// Logical Destination Register.
pub const LDR: u32 = 0x0d0;
/// Destination Format Register (xAPIC only).
pub const DFR: u32 = 0x0e0;
/// Spurious Interrupt Vector Register.
pub const SVR: u32 = 0x0f0;
/// In-Service Register, eight 32-bit registers 16 bytes apart.
pub const ISR: u32 = 0x100;
/// Trigger Mode Register, eight registers.
pub const TMR: u32 = 0x180;
/// Interrupt Request Register, eight registers.
pub const IRR: u32 = 0x200;
/// Error Status Register.
pub const ESR: u32 = 0x280;
/// Interrupt Command Register, bits 31:0.
pub const ICR_LOW: u32 = 0x300;
/// Interrupt Command Register, bits 63:32 (xAPIC only; one 64-bit MSR in x2APIC mode).
pub const ICR_HIGH: u32 = 0x310;
/// LVT Timer.
pub const LVT_TIMER: u32 = 0x320;
/// LVT LINT0.
pub const LVT_LINT0: u32 = 0x350;
/// LVT LINT1.
pub const LVT_LINT1: u32 = 0x360;
/// LVT Error.
pub const LVT_ERROR: u32 = 0x370;
/// Timer Initial Count.
pub const TIMER_INITIAL: u32 = 0x380;
/// Timer Current Count (read only).
pub const TIMER_CURRENT: u32 = 0x390;
/// Timer Divide Configuration.
pub const TIMER_DIVIDE: u32 = 0x3e0;
/// SELF IPI (x2APIC only, MSR 0x83f).
pub const SELF_IPI: u32 = 0x3f0;

/// IA32_APIC_BASE (SDM vol. 3 §11.4.4, §11.12.1).
pub const IA32_APIC_BASE: u32 = 0x1b;
/// IA32_TSC_DEADLINE (SDM vol. 3 §11.5.4.1).
pub const IA32_TSC_DEADLINE: u32 = 0x6e0;

/// The x2APIC MSR of the register at xAPIC `offset`: 0x800 + offset / 16 (SDM vol. 3 §11.12.1.2).
pub const fn x2apic_msr(offset: u32) -> u32 {
    0x800 + (offset >> 4)
}

/// The register at xAPIC `offset` of the array at `base` (ISR, TMR, IRR) holding `vector`.
pub const fn array_reg(base: u32, vector: crate::Vector) -> u32 {
    base + 0x10 * vector.bank_bit().0
}

bitflags::bitflags! {
    /// IA32_APIC_BASE flags (SDM vol. 3 §11.4.4, figure 11-5; §11.12.1, table 11-5).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct ApicBase: u64 {
        /// BSP: this is the bootstrap processor.
        const BSP = 1 << 8;
        /// EXTD: x2APIC mode (with EN).
        const EXTD = 1 << 10;
        /// EN: the local APIC is globally enabled.
        const EN = 1 << 11;
    }
}

/// IA32_APIC_BASE bits 51:12 (on CPUs with up to 52 physical address bits): the xAPIC base.
pub const APIC_BASE_ADDRESS: u64 = 0x000f_ffff_ffff_f000;

/// The Local APIC Version register (SDM vol. 3 §11.4.8, figure 11-7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version(pub u32);

impl Version {
    /// Bits 7:0: the version (0x1X for an integrated APIC).
    pub const fn version(self) -> u8 {
        self.0 as u8
    }
    /// Bits 23:16: the number of LVT entries minus one.
    pub const fn max_lvt(self) -> u8 {
        (self.0 >> 16) as u8
    }
    /// Bit 24: EOI-broadcast suppression is supported.
    pub const fn eoi_broadcast_suppression(self) -> bool {
        self.0 >> 24 & 1 == 1
    }
}

/// The Spurious Interrupt Vector Register (SDM vol. 3 §11.9, figure 11-23).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Svr(pub u32);

impl Svr {
    /// Bit 8: APIC software enable.
    pub const SOFTWARE_ENABLE: u32 = 1 << 8;
    /// Software-enabled with spurious vector `vector`.
    pub const fn enabled(vector: crate::Vector) -> Svr {
        Svr(Self::SOFTWARE_ENABLE | vector.raw() as u32)
    }
}

/// The destination shorthand of an IPI (ICR bits 19:18, SDM vol. 3 §11.6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shorthand {
    /// No shorthand: the destination field names the target.
    None = 0,
    /// Self.
    SelfOnly = 1,
    /// All including self.
    AllIncludingSelf = 2,
    /// All excluding self.
    AllExcludingSelf = 3,
}

/// The IPI delivery mode (ICR bits 10:8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryMode {
    /// Fixed: the vector.
    Fixed = 0b000,
    /// Lowest priority: one processor of the destination set (SDM vol. 3 §11.6.2.4).
    LowestPriority = 0b001,
    /// NMI: vector ignored, delivered through the NMI vector 2.
    Nmi = 0b100,
    /// INIT.
    Init = 0b101,
    /// Start-up (SIPI): the vector is the 4 KiB page of the entry point.
    StartUp = 0b110,
}

/// An Interrupt Command Register value (SDM vol. 3 §11.6.1, figure 11-12). In xAPIC mode the
/// low half goes to ICR_LOW (after ICR_HIGH); in x2APIC mode the whole value is one WRMSR to
/// MSR 0x830 with a 32-bit destination (§11.12.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icr(pub u64);

impl Icr {
    /// Bit 12: delivery status (send pending), xAPIC only.
    pub const SEND_PENDING: u32 = 1 << 12;
    /// Bit 14: level assert (must be 1 for everything but INIT level de-assert).
    pub const ASSERT: u64 = 1 << 14;

    /// A physical-destination IPI of `mode` and `vector` to xAPIC ID `dest` with `shorthand`.
    pub const fn xapic(mode: DeliveryMode, vector: u8, shorthand: Shorthand, dest: u8) -> Icr {
        Icr((dest as u64) << 56
            | (shorthand as u64) << 18
            | Self::ASSERT
            | (mode as u64) << 8
            | vector as u64)
    }
    /// A physical-destination IPI to x2APIC ID `dest`.
    pub const fn x2apic(mode: DeliveryMode, vector: u8, shorthand: Shorthand, dest: u32) -> Icr {
        Icr((dest as u64) << 32
            | (shorthand as u64) << 18
            | Self::ASSERT
            | (mode as u64) << 8
            | vector as u64)
    }
    /// Bit 11: logical destination mode (SDM vol. 3 §11.6.2.2).
    pub const LOGICAL: u64 = 1 << 11;
    /// Bit 15: level trigger mode.
    pub const LEVEL: u64 = 1 << 15;

    /// A logical-destination IPI of `mode` and `vector` to xAPIC message destination address
    /// `mda` (ICR_HIGH bits 31:24, matched against LDR/DFR, §11.6.2.2).
    pub const fn xapic_logical(mode: DeliveryMode, vector: u8, mda: u8) -> Icr {
        Icr(Self::xapic(mode, vector, Shorthand::None, mda).0 | Self::LOGICAL)
    }
    /// A logical-destination IPI to x2APIC logical destination `dest` (cluster ID in bits
    /// 31:16, member bitmap in bits 15:0, §11.12.10.2).
    pub const fn x2apic_logical(mode: DeliveryMode, vector: u8, dest: u32) -> Icr {
        Icr(Self::x2apic(mode, vector, Shorthand::None, dest).0 | Self::LOGICAL)
    }
    /// Bits 31:0 (ICR_LOW).
    pub const fn low(self) -> u32 {
        self.0 as u32
    }
    /// Bits 63:32 (ICR_HIGH in xAPIC mode).
    pub const fn high(self) -> u32 {
        (self.0 >> 32) as u32
    }
}

/// LVT bit 16: masked (SDM vol. 3 §11.5.1).
pub const LVT_MASKED: u32 = 1 << 16;
/// LVT bit 12: delivery status (send pending), read only.
pub const LVT_SEND_PENDING: u32 = 1 << 12;
/// LVT LINT0/LINT1 bit 13: input pin polarity active low.
pub const LVT_ACTIVE_LOW: u32 = 1 << 13;
/// LVT LINT0/LINT1 bit 14: remote IRR, read only.
pub const LVT_REMOTE_IRR: u32 = 1 << 14;
/// LVT LINT0/LINT1 bit 15: level trigger mode.
pub const LVT_LEVEL: u32 = 1 << 15;
/// LVT timer mode (bits 18:17, SDM vol. 3 §11.5.4, figure 11-8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerMode {
    /// 00: one-shot, counts down from the initial count once.
    OneShot = 0b00,
    /// 01: periodic, reloads the initial count at zero.
    Periodic = 0b01,
    /// 10: TSC-deadline, fires when the TSC reaches IA32_TSC_DEADLINE (§11.5.4.1).
    TscDeadline = 0b10,
}

impl TimerMode {
    /// The LVT timer value for this mode with `vector`, unmasked.
    pub const fn lvt(self, vector: crate::Vector) -> u32 {
        (self as u32) << 17 | vector.raw() as u32
    }
    /// The mode field of an LVT timer value.
    pub const fn field(lvt: u32) -> u32 {
        lvt >> 17 & 0b11
    }
}

/// Divide Configuration for divide by 1 (bits 3, 1:0 = 1011b; SDM §11.5.4, figure 11-10).
pub const DIVIDE_BY_1: u32 = 0b1011;
/// Divide by 128 (1010b).
pub const DIVIDE_BY_128: u32 = 0b1010;

/// Error Status Register bits (SDM vol. 3 §11.5.3, figure 11-9).
pub mod esr {
    /// Bit 2: send accept error (P6 family and Pentium only).
    pub const SEND_ACCEPT: u32 = 1 << 2;
    /// Bit 5: send illegal vector.
    pub const SEND_ILLEGAL_VECTOR: u32 = 1 << 5;
    /// Bit 6: receive illegal vector.
    pub const RECEIVE_ILLEGAL_VECTOR: u32 = 1 << 6;
    /// Bit 7: illegal register address.
    pub const ILLEGAL_REGISTER: u32 = 1 << 7;
}

/// SVR bit 12: suppress EOI broadcasts to the IOAPICs (SDM vol. 3 §11.8.5, when Version bit 24).
pub const SVR_SUPPRESS_EOI_BROADCAST: u32 = 1 << 12;
/// DFR value of the flat model (bits 31:28 = 1111b, SDM vol. 3 §11.6.2.2).
pub const DFR_FLAT: u32 = 0xffff_ffff;
/// DFR value of the cluster model (bits 31:28 = 0000b).
pub const DFR_CLUSTER: u32 = 0x0fff_ffff;
/// The xAPIC LDR value with logical APIC ID `id` (bits 31:24).
pub const fn ldr(id: u8) -> u32 {
    (id as u32) << 24
}
/// The x2APIC logical ID of x2APIC ID `id`: cluster `id >> 4` in bits 31:16 and bit `id & 15`
/// (SDM vol. 3 §11.12.10.2).
pub const fn x2apic_logical_id(id: u32) -> u32 {
    (id >> 4) << 16 | 1 << (id & 0xf)
}

/// The name of the xAPIC register at `offset`.
pub fn name(offset: u32, out: &mut dyn fmt::Write) -> fmt::Result {
    const FIXED: &[(u32, &str)] = &[
        (ID, "APIC_ID"),
        (VERSION, "APIC_VERSION"),
        (TPR, "APIC_TPR"),
        (APR, "APIC_APR"),
        (PPR, "APIC_PPR"),
        (EOI, "APIC_EOI"),
        (0x0c0, "APIC_RRD"),
        (LDR, "APIC_LDR"),
        (DFR, "APIC_DFR"),
        (SVR, "APIC_SVR"),
        (ESR, "APIC_ESR"),
        (0x2f0, "APIC_LVT_CMCI"),
        (ICR_LOW, "APIC_ICR_LOW"),
        (ICR_HIGH, "APIC_ICR_HIGH"),
        (LVT_TIMER, "APIC_LVT_TIMER"),
        (0x330, "APIC_LVT_THERMAL"),
        (0x340, "APIC_LVT_PMC"),
        (LVT_LINT0, "APIC_LVT_LINT0"),
        (LVT_LINT1, "APIC_LVT_LINT1"),
        (LVT_ERROR, "APIC_LVT_ERROR"),
        (TIMER_INITIAL, "APIC_TIMER_INITIAL"),
        (TIMER_CURRENT, "APIC_TIMER_CURRENT"),
        (TIMER_DIVIDE, "APIC_TIMER_DIVIDE"),
        (SELF_IPI, "APIC_SELF_IPI"),
    ];
    if let Some((_, name)) = FIXED.iter().find(|(o, _)| *o == offset) {
        return out.write_str(name);
    }
    for (base, array) in [(ISR, "APIC_ISR"), (TMR, "APIC_TMR"), (IRR, "APIC_IRR")] {
        if (base..base + 0x80).contains(&offset) && offset.is_multiple_of(0x10) {
            return write!(out, "{array}{}", (offset - base) / 0x10);
        }
    }
    write!(out, "APIC+{offset:#x}")
}

/// The name of MSR `msr`: an x2APIC register by its xAPIC name, or the architectural MSR.
pub fn msr_name(msr: u32, out: &mut dyn fmt::Write) -> fmt::Result {
    match msr {
        IA32_APIC_BASE => out.write_str("IA32_APIC_BASE"),
        IA32_TSC_DEADLINE => out.write_str("IA32_TSC_DEADLINE"),
        0x800..=0x8ff => {
            out.write_str("x2APIC ")?;
            name((msr - 0x800) << 4, out)
        }
        _ => write!(out, "MSR {msr:#x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(f: impl Fn(&mut String) -> fmt::Result) -> String {
        let mut s = String::new();
        f(&mut s).unwrap();
        s
    }

    #[test]
    fn x2apic_msrs_are_the_xapic_offsets_divided_by_16() {
        assert_eq!(x2apic_msr(EOI), 0x80b);
        assert_eq!(x2apic_msr(SELF_IPI), 0x83f);
        assert_eq!(x2apic_msr(ICR_LOW), 0x830);
        assert_eq!(named(|s| msr_name(0x80b, s)), "x2APIC APIC_EOI");
        assert_eq!(named(|s| name(IRR + 0x30, s)), "APIC_IRR3");
    }

    #[test]
    fn icr_places_vector_shorthand_and_destination() {
        let icr = Icr::xapic(DeliveryMode::Fixed, 0x31, Shorthand::None, 1);
        assert_eq!((icr.high(), icr.low()), (0x0100_0000, 0x4031));
        let init = Icr::xapic(DeliveryMode::Init, 0, Shorthand::None, 2);
        assert_eq!(init.low(), 0x4500);
        let own = Icr::x2apic(DeliveryMode::Fixed, 0x40, Shorthand::SelfOnly, 0);
        assert_eq!(own.0, 0x4_4040);
    }

    #[test]
    fn logical_icr_sets_destination_mode_and_timer_modes_encode() {
        let icr = Icr::xapic_logical(DeliveryMode::LowestPriority, 0x31, 3);
        assert_eq!((icr.high(), icr.low()), (0x0300_0000, 0x4931));
        assert_eq!(x2apic_logical_id(0x23), 0x2_0008);
        let lvt = TimerMode::Periodic.lvt(crate::Vector::new(0x70));
        assert_eq!((lvt, TimerMode::field(lvt)), (0x2_0070, 1));
    }

    #[test]
    fn version_fields() {
        let v = Version(0x0105_0014);
        assert_eq!((v.version(), v.max_lvt()), (0x14, 5));
        assert!(v.eoi_broadcast_suppression());
    }
}
