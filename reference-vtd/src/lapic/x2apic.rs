//! The MSR interface of a local APIC: the x2APIC registers 0x800-0x8FF, IA32_APIC_BASE and
//! IA32_TSC_DEADLINE, with the #GP rules (SDM vol. 3 §11.12.1.2, §11.12.1.3, §11.12.5,
//! §11.5.4.1).
//!
//! Invariants:
//! - x2APIC MSRs exist only in x2APIC mode; elsewhere every access #GPs.
//! - RDMSR of a write-only register (EOI, SELF IPI), WRMSR of a read-only one, an MSR number
//!   with no register, and a WRMSR that sets a reserved bit all #GP with nothing changed; EOI
//!   and ESR must be written with 0.
//! - IA32_APIC_BASE moves only along the legal transitions of SDM §11.12.5 Figure 11-27:
//!   disabled ↔ xAPIC, xAPIC → x2APIC, x2APIC → disabled; the rest (x2APIC → xAPIC,
//!   disabled → x2APIC, EN = 0 with EXTD = 1, reserved bits) #GP. Entering the disabled state
//!   resets the APIC's registers (SDM §11.4.3).

use crate::bits::bitfield;
use crate::effect::Effect;
use crate::lapic::regs::{RegKind, Rights, X2APIC_MAP, lookup};
use crate::lapic::{ApicMode, LocalApic};
use crate::vector::Vector;

/// IA32_APIC_BASE.
pub const IA32_APIC_BASE: u32 = 0x1b;
/// IA32_TSC_DEADLINE.
pub const IA32_TSC_DEADLINE: u32 = 0x6e0;
/// First x2APIC MSR.
pub const X2APIC_FIRST: u32 = 0x800;
/// Last x2APIC MSR.
pub const X2APIC_LAST: u32 = 0x8ff;
/// Physical-address width of the model (MAXPHYADDR): IA32_APIC_BASE bits at and above it are
/// reserved (irqsuite's choice, QEMU's default).
pub const PHYS_ADDR_BITS: u32 = 40;
/// Default APIC base address.
pub const DEFAULT_APIC_BASE: u64 = 0xfee0_0000;

bitfield! {
    /// IA32_APIC_BASE (SDM §11.4.4 Figure 11-5, §11.12.1 Figure 11-26).
    pub struct ApicBase(u64) {
        /// BSP flag (read-only).
        bsp, with_bsp: 8 ..= 8 as bool;
        /// x2APIC enable (EXTD).
        extd, with_extd: 10 ..= 10 as bool;
        /// APIC global enable (EN).
        enabled, with_enabled: 11 ..= 11 as bool;
        /// APIC base page number (bits 12 and up).
        base_page, with_base_page: 12 ..= 63 as u64;
    }
}

impl ApicBase {
    /// The reset value: enabled, xAPIC, base 0xFEE0_0000.
    pub fn reset(bsp: bool) -> ApicBase {
        ApicBase(DEFAULT_APIC_BASE).with_bsp(bsp).with_enabled(true)
    }

    /// Bits that must be 0 on WRMSR.
    pub const RESERVED: u64 = 0xff | 1 << 9 | !((1u64 << PHYS_ADDR_BITS) - 1);

    /// The mode these bits select; EN = 0 with EXTD = 1 is invalid.
    pub fn mode(self) -> ApicMode {
        match (self.enabled(), self.extd()) {
            (true, true) => ApicMode::X2Apic,
            (true, false) => ApicMode::XApic,
            (false, _) => ApicMode::Disabled,
        }
    }
}

/// A fault an MSR access raises: always #GP(0) here, with why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fault {
    /// Why the access faulted (for diagnostics; the architecture reports only #GP(0)).
    pub reason: GpReason,
}

impl Fault {
    fn gp(reason: GpReason) -> Fault {
        Fault { reason }
    }

    /// The exception vector: 13, #GP.
    pub fn vector(&self) -> Vector {
        Vector(13)
    }

    /// The error code: 0.
    pub fn error_code(&self) -> u32 {
        0
    }
}

/// Why an MSR access raised #GP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GpReason {
    /// An x2APIC MSR accessed while the APIC is not in x2APIC mode.
    NotX2apicMode,
    /// An x2APIC MSR number with no register.
    ReservedRegister,
    /// RDMSR of a write-only register.
    ReadOfWriteOnly,
    /// WRMSR of a read-only register.
    WriteOfReadOnly,
    /// WRMSR with a reserved bit set (including a non-zero EOI or ESR write).
    ReservedBits,
    /// IA32_APIC_BASE write that is not a legal mode transition.
    InvalidTransition,
    /// An MSR the model does not implement.
    UnknownMsr,
    /// The CPU does not exist.
    NoSuchCpu,
}

impl LocalApic {
    /// RDMSR.
    pub fn rdmsr(&mut self, msr: u32, now: u64) -> Result<u64, Fault> {
        match msr {
            IA32_APIC_BASE => Ok(self.base.0),
            IA32_TSC_DEADLINE => Ok(self.timer.deadline(self.timer_mode())),
            X2APIC_FIRST..=X2APIC_LAST => {
                let (kind, index, rights) = self.x2apic_row(msr)?;
                if rights == Rights::WriteOnly {
                    return Err(Fault::gp(GpReason::ReadOfWriteOnly));
                }
                Ok(self.read_reg(kind, index, now))
            }
            _ => Err(Fault::gp(GpReason::UnknownMsr)),
        }
    }

    /// WRMSR. Returns the effect of the write (an IPI, an EOI broadcast).
    pub fn wrmsr(&mut self, msr: u32, value: u64, now: u64) -> Result<Option<Effect>, Fault> {
        match msr {
            IA32_APIC_BASE => self.write_apic_base(value).map(|()| None),
            IA32_TSC_DEADLINE => {
                self.timer.write_deadline(self.timer_mode(), value);
                self.tick(now);
                Ok(None)
            }
            X2APIC_FIRST..=X2APIC_LAST => {
                let (kind, _, rights) = self.x2apic_row(msr)?;
                if rights == Rights::ReadOnly {
                    return Err(Fault::gp(GpReason::WriteOfReadOnly));
                }
                if value & LocalApic::x2apic_reserved_bits(kind) != 0 {
                    return Err(Fault::gp(GpReason::ReservedBits));
                }
                Ok(self.write_reg(kind, value, now))
            }
            _ => Err(Fault::gp(GpReason::UnknownMsr)),
        }
    }

    fn x2apic_row(&self, msr: u32) -> Result<(RegKind, u32, Rights), Fault> {
        if self.mode() != ApicMode::X2Apic {
            return Err(Fault::gp(GpReason::NotX2apicMode));
        }
        let (row, index) =
            lookup(X2APIC_MAP, msr, 1).ok_or(Fault::gp(GpReason::ReservedRegister))?;
        Ok((row.kind, index, row.rights))
    }

    /// WRMSR IA32_APIC_BASE (SDM §11.12.5).
    fn write_apic_base(&mut self, value: u64) -> Result<(), Fault> {
        if value & ApicBase::RESERVED != 0 {
            return Err(Fault::gp(GpReason::ReservedBits));
        }
        // The BSP flag is read-only.
        let new = ApicBase(value).with_bsp(self.base.bsp());
        if !new.enabled() && new.extd() {
            return Err(Fault::gp(GpReason::InvalidTransition));
        }
        let legal = matches!(
            (self.mode(), new.mode()),
            (ApicMode::Disabled, ApicMode::Disabled | ApicMode::XApic)
                | (ApicMode::XApic, _)
                | (ApicMode::X2Apic, ApicMode::X2Apic | ApicMode::Disabled)
        );
        if !legal {
            return Err(Fault::gp(GpReason::InvalidTransition));
        }
        let old_mode = self.mode();
        self.base = new;
        if new.mode() == ApicMode::Disabled && old_mode != ApicMode::Disabled {
            self.reset_registers();
        }
        Ok(())
    }
}
