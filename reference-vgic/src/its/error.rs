//! ITS errors, named after the architecture's command-error mnemonics, and the sets of
//! outcomes the architecture allows when one occurs (IHI 0069H §5.3 "ITS commands", the
//! per-command "Error" paragraphs, and "ITS command error encodings"; the encoding scheme is
//! `0x01_CC_RR`: command number CC, reason RR, as also listed in the GIC-600AE TRM §4.9).
//!
//! Invariants:
//! - A command error never panics and never leaves the ITS half-updated: handlers check
//!   everything before they change state.
//! - What the ITS does next is one [`CommandErrorChoice`] from
//!   [`allowed_command_error_choices`]; the model applies the configured one
//!   ([`crate::ItsConfig::command_error`], default [`CommandErrorChoice::Stall`]), and a
//!   comparison should accept any member of the allowed set.

use crate::memory::MemoryError;

/// What an ITS does when a command fails (IHI 0069H §5.3, "Command errors": with
/// GITS_TYPER.SEIS == 0 the behaviour is CONSTRAINED UNPREDICTABLE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandErrorChoice {
    /// The command is ignored: it has no effect and GITS_CREADR moves past it.
    Ignore,
    /// The command queue stalls: GITS_CREADR keeps pointing at the failing command and
    /// GITS_CREADR.Stalled reads 1 until software writes GITS_CWRITER.Retry = 1 (or
    /// rewrites GITS_CBASER).
    Stall,
}

/// An ITS error: a command error (from the command queue) or a translation error (from a
/// GITS_TRANSLATER write or [`crate::Gic::its_translate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItsError {
    /// E_ITS_MOVI_UNMAPPED_INTERRUPT (0x010107): the DeviceID/EventID has no mapping.
    MoviUnmappedInterrupt,
    /// E_ITS_MOVI_UNMAPPED_COLLECTION (0x010109): the new (or current) collection is not
    /// mapped, or the ICID is out of range.
    MoviUnmappedCollection,
    /// E_ITS_INT_UNMAPPED_INTERRUPT (0x010307).
    IntUnmappedInterrupt,
    /// E_ITS_CLEAR_UNMAPPED_INTERRUPT (0x010507).
    ClearUnmappedInterrupt,
    /// E_ITS_MAPD_DEVICE_OOR (0x010801): DeviceID beyond GITS_TYPER.Devbits or beyond the
    /// Device table (including an invalid level-1 entry of a two-level table).
    MapdDeviceOor,
    /// E_ITS_MAPD_ITTSIZE_OOR (0x010802): Size + 1 exceeds GITS_TYPER.ID_bits + 1.
    MapdIttsizeOor,
    /// E_ITS_MAPC_PROCNUM_OOR (0x010902): RDbase names no redistributor.
    MapcProcnumOor,
    /// E_ITS_MAPC_COLLECTION_OOR (0x010903): ICID beyond CIDbits or the Collection table.
    MapcCollectionOor,
    /// E_ITS_MAPTI_UNMAPPED_DEVICE (0x010a04), also for MAPI.
    MaptiUnmappedDevice,
    /// E_ITS_MAPTI_COLLECTION_OOR (0x010a03), also for MAPI.
    MaptiCollectionOor,
    /// E_ITS_MAPTI_ID_OOR (0x010a05): EventID beyond the device's ITT size, also for MAPI.
    MaptiIdOor,
    /// E_ITS_MAPTI_PHYSICALID_OOR (0x010a06): pINTID is not a supported LPI, also for MAPI.
    MaptiPhysicalidOor,
    /// E_ITS_INV_UNMAPPED_INTERRUPT (0x010c07).
    InvUnmappedInterrupt,
    /// E_ITS_INVALL_UNMAPPED_COLLECTION (0x010d09).
    InvallUnmappedCollection,
    /// E_ITS_MOVALL_PROCNUM_OOR (0x010e01).
    MovallProcnumOor,
    /// E_ITS_DISCARD_UNMAPPED_INTERRUPT (0x010f07).
    DiscardUnmappedInterrupt,
    /// SYNC with an RDbase that names no redistributor (UNPREDICTABLE; no architected
    /// mnemonic — irqsuite treats it as a command error).
    SyncProcnumOor,
    /// A command number the ITS does not implement (GICv4 V* commands on a GICv3 ITS,
    /// reserved numbers): UNPREDICTABLE; irqsuite treats it as a command error.
    UnsupportedCommand {
        /// DW0\[7:0\].
        opcode: u8,
    },
    /// Reading a command or a table entry from guest memory failed.
    Memory(MemoryError),
    /// Translation: the machine has no ITS.
    NoIts,
    /// Translation: GITS_CTLR.Enabled is 0, the request is ignored.
    ItsDisabled,
    /// Translation: the DeviceID is out of range or not mapped.
    TranslationUnmappedDevice,
    /// Translation: the EventID is beyond the device's ITT, or has no mapping.
    TranslationUnmappedInterrupt,
    /// Translation: the interrupt's collection is not mapped.
    TranslationUnmappedCollection,
    /// Translation: the target redistributor has EnableLPIs == 0 or does not accept the
    /// INTID; the LPI is dropped.
    TranslationLpiNotAccepted,
}

impl ItsError {
    /// The architected error encoding (IHI 0069H "ITS command error encodings"), where one
    /// exists.
    pub fn encoding(self) -> Option<u32> {
        Some(match self {
            ItsError::MoviUnmappedInterrupt => 0x01_01_07,
            ItsError::MoviUnmappedCollection => 0x01_01_09,
            ItsError::IntUnmappedInterrupt => 0x01_03_07,
            ItsError::ClearUnmappedInterrupt => 0x01_05_07,
            ItsError::MapdDeviceOor => 0x01_08_01,
            ItsError::MapdIttsizeOor => 0x01_08_02,
            ItsError::MapcProcnumOor => 0x01_09_02,
            ItsError::MapcCollectionOor => 0x01_09_03,
            ItsError::MaptiCollectionOor => 0x01_0a_03,
            ItsError::MaptiUnmappedDevice => 0x01_0a_04,
            ItsError::MaptiIdOor => 0x01_0a_05,
            ItsError::MaptiPhysicalidOor => 0x01_0a_06,
            ItsError::InvUnmappedInterrupt => 0x01_0c_07,
            ItsError::InvallUnmappedCollection => 0x01_0d_09,
            ItsError::MovallProcnumOor => 0x01_0e_01,
            ItsError::DiscardUnmappedInterrupt => 0x01_0f_07,
            _ => return None,
        })
    }

    /// Is this an error of a command (as opposed to a translation request)?
    pub fn is_command_error(self) -> bool {
        !matches!(
            self,
            ItsError::NoIts
                | ItsError::ItsDisabled
                | ItsError::TranslationUnmappedDevice
                | ItsError::TranslationUnmappedInterrupt
                | ItsError::TranslationUnmappedCollection
                | ItsError::TranslationLpiNotAccepted
        )
    }
}

/// The outcomes the architecture allows after `error`:
/// - a command error: ignore the command or stall the queue (IHI 0069H §5.3, CONSTRAINED
///   UNPREDICTABLE with SEIS == 0; an SEI is additionally allowed when SEIS == 1, which the
///   model does not implement);
/// - a translation error: the request is ignored (no LPI becomes pending).
pub fn allowed_command_error_choices(error: ItsError) -> &'static [CommandErrorChoice] {
    if error.is_command_error() {
        &[CommandErrorChoice::Ignore, CommandErrorChoice::Stall]
    } else {
        &[CommandErrorChoice::Ignore]
    }
}

/// One command error, as recorded by the model ([`crate::Gic::take_its_errors`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommandErrorRecord {
    /// GITS_CREADR.Offset of the failing command.
    pub offset: u32,
    /// Its command number (DW0\[7:0\]).
    pub opcode: u8,
    /// The error.
    pub error: ItsError,
    /// What the model did.
    pub choice: CommandErrorChoice,
}
