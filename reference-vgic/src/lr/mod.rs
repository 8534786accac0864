//! List registers: one version-neutral [`ListRegister`] and the two encodings behind a narrow
//! seam ([`v2`] for `GICH_LR<n>`, [`v3`] for `ICH_LR<n>_EL2`), plus the maintenance conditions that
//! are a pure function of the list registers and the hypervisor control register
//! ([`maintenance`]).
//!
//! Invariants:
//! - Nothing outside `lr::v2` / `lr::v3` knows a bit position of a list register; the rest of
//!   the crate (flush, fold, the virtual CPU interface) works on [`ListRegister`] only.
//! - `priority` is always the 8-bit priority of the model. An encoding keeps what its field
//!   can hold: GICv2 keeps bits \[7:3\] (GICH_LR.Priority is 5 bits, IHI 0048B §5.3.9),
//!   GICv3 all 8 (`ICH_LR<n>_EL2`.Priority \[55:48\], IHI 0069H §12.4, `ICH_LR<n>_EL2`).
//! - A hardware interrupt (`pintid` is `Some`, HW = 1) has no EOI maintenance request and no
//!   source CPU: in both encodings those fields share bits with the physical INTID.
//! - `source_cpu` only means something for a GICv2 SGI with HW = 0 (GICH_LR.CPUID \[12:10\]);
//!   GICv3 has no such field and decodes it as 0.

pub mod maintenance;
pub mod v2;
pub mod v3;

use crate::irq::Group;

/// GICH_LR.State / `ICH_LR<n>_EL2`.State (IHI 0048B §5.3.9, IHI 0069H §12.4, `ICH_LR<n>_EL2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LrState {
    /// 0b00: the list register holds no interrupt (or one that was deactivated).
    #[default]
    Invalid,
    /// 0b01: pending.
    Pending,
    /// 0b10: active.
    Active,
    /// 0b11: active and pending.
    ActivePending,
}

impl LrState {
    /// The 2-bit field value.
    pub fn bits(self) -> u8 {
        match self {
            LrState::Invalid => 0b00,
            LrState::Pending => 0b01,
            LrState::Active => 0b10,
            LrState::ActivePending => 0b11,
        }
    }

    /// The state a 2-bit field value encodes (upper bits ignored).
    pub fn from_bits(bits: u8) -> LrState {
        match bits & 3 {
            0b00 => LrState::Invalid,
            0b01 => LrState::Pending,
            0b10 => LrState::Active,
            _ => LrState::ActivePending,
        }
    }

    /// Does the state include pending?
    pub fn is_pending(self) -> bool {
        matches!(self, LrState::Pending | LrState::ActivePending)
    }

    /// Does the state include active?
    pub fn is_active(self) -> bool {
        matches!(self, LrState::Active | LrState::ActivePending)
    }

    /// The state with the active part removed (a deactivation).
    pub fn deactivated(self) -> LrState {
        match self {
            LrState::ActivePending => LrState::Pending,
            LrState::Active => LrState::Invalid,
            other => other,
        }
    }
}

/// One list register, independent of the GIC version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListRegister {
    /// The virtual INTID the guest acknowledges (GICH_LR.VirtualID \[9:0\], ICH_LR.vINTID
    /// \[31:0\]).
    pub vintid: u32,
    /// HW = 1: the physical INTID whose deactivation the virtual deactivation forwards
    /// (GICH_LR.PhysicalID \[19:10\], ICH_LR.pINTID \[44:32\]). `None`: HW = 0.
    pub pintid: Option<u32>,
    /// Priority, 8 bits (0 highest); see the module invariants for what an encoding keeps.
    pub priority: u8,
    /// Group (GICH_LR.Grp1 \[30\], ICH_LR.Group \[60\]).
    pub group: Group,
    /// State.
    pub state: LrState,
    /// HW = 0 only: request an EOI maintenance interrupt when the interrupt is deactivated
    /// (GICH_LR bit 19, ICH_LR bit 41; IHI 0048B §5.3.9 / IHI 0069H §12.4 `ICH_LR<n>_EL2`).
    pub eoi_maintenance: bool,
    /// GICv2 SGIs with HW = 0: the source CPU reported in GICV_IAR \[12:10\].
    pub source_cpu: u8,
}

impl ListRegister {
    /// A cleared list register: Invalid, nothing requested.
    pub const CLEARED: ListRegister = ListRegister {
        vintid: 0,
        pintid: None,
        priority: 0,
        group: Group::G0,
        state: LrState::Invalid,
        eoi_maintenance: false,
        source_cpu: 0,
    };

    /// Does the register hold an interrupt (State != Invalid)?
    pub fn is_valid(&self) -> bool {
        self.state != LrState::Invalid
    }

    /// Is the register empty for the hypervisor (GICH_ELRSR / ICH_ELRSR_EL2 bit set): Invalid
    /// and no EOI maintenance outstanding (IHI 0048B §5.3.7 GICH_ELRSRn, IHI 0069H §12.4 ICH_ELRSR_EL2)?
    pub fn is_empty(&self) -> bool {
        self.state == LrState::Invalid && !self.eoi_outstanding()
    }

    /// Does the register have an EOI maintenance interrupt outstanding (GICH_EISR /
    /// ICH_EISR_EL2 bit set): Invalid, HW = 0 and the EOI bit set (IHI 0048B §5.3.6 GICH_EISRn,
    /// IHI 0069H §12.4 ICH_EISR_EL2)?
    pub fn eoi_outstanding(&self) -> bool {
        self.state == LrState::Invalid && self.pintid.is_none() && self.eoi_maintenance
    }
}

impl Default for ListRegister {
    fn default() -> Self {
        ListRegister::CLEARED
    }
}
