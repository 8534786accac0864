//! The GICv3 Interrupt Translation Service (IHI 0069H "Locality-specific Peripheral
//! Interrupts and the ITS", §12.19 "The ITS register descriptions").
//!
//! Section numbers of that chapter follow the copy consulted, where it is chapter 5: §5.1
//! "LPIs", §5.2 "The Interrupt Translation Service", §5.3 "ITS commands", §5.5 "ITS command
//! error encodings". Titles are quoted so the text can be found in any revision.
//!
//! Layout of the module:
//! - `regs`: the ITS frame's region table (GITS_* registers, GITS_TRANSLATER);
//! - `cmd`: the command decoder (by hand from the command formats of §5.3) and the flat
//!   command loop that GITS_CWRITER drives;
//! - `handlers`: one function per command (`handle_mapd`, `handle_mapc`, ...) and the
//!   translation of an EventID from a DeviceID;
//! - `tables`: Device / Collection / ITT lookups in guest memory, flat and two-level;
//! - `error`: errors named after the spec and the allowed outcomes of a command error.
//!
//! Invariants:
//! - There is at most one ITS ([`crate::Gic`]'s `its` is `Some` exactly when
//!   [`crate::GicConfig::its`] is). Its frame is [`crate::Frame::Its`], 128 KiB: the control
//!   frame at 0 and the translation frame at 0x10000 (GITS_TRANSLATER at 0x10040).
//! - GITS_TYPER: Physical = 1, Virtual = 0, CCT = 0, ITT_entry_size = 7 (8 bytes), PTA = 0
//!   (RDbase is a processor number, GICR_TYPER.Processor_Number), SEIS = 0, HCC and
//!   ID_bits/Devbits/CIDbits from [`crate::ItsConfig`].
//! - `creadr` and `cwriter` are always multiples of 32 and below the queue size; the command
//!   loop therefore ends after at most one lap of the queue.
//! - Commands take effect at once: SYNC only checks its operand, and GITS_CTLR.Quiescent
//!   reads 1 whenever Enabled is 0.

pub(crate) mod cmd;
pub(crate) mod error;
pub(crate) mod handlers;
pub(crate) mod regs;
pub(crate) mod tables;

use alloc::vec;
use alloc::vec::Vec;

pub use error::{CommandErrorChoice, CommandErrorRecord, ItsError, allowed_command_error_choices};

/// How many command errors are kept between two [`crate::Gic::take_its_errors`] calls.
pub const MAX_ITS_ERRORS: usize = 1024;

/// The ITS's own state (everything else lives in guest memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Its {
    /// GITS_CTLR.Enabled.
    pub enabled: bool,
    /// GITS_CBASER (writable bits).
    pub cbaser: u64,
    /// GITS_CWRITER.Offset, in bytes.
    pub cwriter: u32,
    /// GITS_CREADR.Offset, in bytes.
    pub creadr: u32,
    /// GITS_CREADR.Stalled.
    pub stalled: bool,
    /// GITS_BASER0 (Device table) and GITS_BASER1 (Collection table), writable bits.
    pub baser: [u64; 2],
    /// The HCC collections held in the ITS: target processor, if mapped.
    pub collections: Vec<Option<usize>>,
    /// Command errors since the last `take_its_errors`.
    pub errors: Vec<CommandErrorRecord>,
}

impl Its {
    /// Reset state: disabled, no queue, tables not valid, no collection mapped.
    pub fn new(hcc: u8) -> Its {
        Its {
            enabled: false,
            cbaser: 0,
            cwriter: 0,
            creadr: 0,
            stalled: false,
            baser: [0; 2],
            collections: vec![None; usize::from(hcc)],
            errors: Vec::new(),
        }
    }

    /// Command queue size in bytes: (GITS_CBASER.Size + 1) 4 KiB pages.
    pub fn queue_bytes(&self) -> u32 {
        ((self.cbaser & 0xff) as u32 + 1) * 4096
    }
}
