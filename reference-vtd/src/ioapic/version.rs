//! Which IOAPIC the model is: the version register (IOAPICVER, index 0x01) names it, and the
//! EOI register at 0x40 exists only on the later one.
//!
//! - The 82093AA itself reports version 0x11 and has no EOI register: a level interrupt's
//!   remote IRR clears only by a local APIC's EOI broadcast (82093AA datasheet §3.2.2,
//!   IOAPICVER bits 7:0; §3.2.4, Remote IRR).
//! - The IOAPICs of later chipsets report version 0x20 and add the directed-EOI register at
//!   0x40, which clears remote IRR of entries with the written vector (Intel ICH/PCH
//!   datasheets, "I/O APIC EOI Register"; what a guest that suppresses EOI broadcasts, SDM
//!   vol. 3 §11.8.5, needs).
//!
//! Both are IOAPICs a platform may have: which one a target has is recorded, not judged.
//! Both keep Maximum Redirection Entry 23 (24 pins, bits 23:16).

/// The IOAPIC model's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IoapicVersion {
    /// Version 0x11, no EOI register (the 82093AA).
    I82093aa,
    /// Version 0x20, with the EOI register at 0x40. irqsuite's default.
    #[default]
    WithEoiRegister,
}

/// Maximum Redirection Entry (IOAPICVER bits 23:16): 24 pins.
const MAX_REDIRECTION_ENTRY: u32 = 23 << 16;

impl IoapicVersion {
    /// The value IOAPICVER reads.
    pub const fn register(self) -> u32 {
        MAX_REDIRECTION_ENTRY
            | match self {
                IoapicVersion::I82093aa => 0x11,
                IoapicVersion::WithEoiRegister => 0x20,
            }
    }

    /// Whether the EOI register at 0x40 exists.
    pub const fn has_eoi_register(self) -> bool {
        matches!(self, IoapicVersion::WithEoiRegister)
    }
}

/// The IOAPIC versions a target may have.
pub fn allowed_ioapic_versions() -> &'static [IoapicVersion] {
    &[IoapicVersion::I82093aa, IoapicVersion::WithEoiRegister]
}
