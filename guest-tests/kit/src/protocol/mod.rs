//! The console wire protocol (DESIGN.md, "Guests"): one record per line,
//!
//! ```text
//! @@irq <seq> <body> #<crc>
//! ```
//!
//! `seq` counts records from 0 over one boot, so a dropped, duplicated or reordered record is
//! seen; `crc` is CRC-16/CCITT-FALSE of `<seq> <body>` in four hex digits, so a garbled record is
//! rejected, never misread. A record is at most [`MAX_RECORD`] bytes (Xen's console splits longer
//! lines). The sentinel may follow a prefix on the same line (Xen's `(XEN) DOM1: `).
//!
//! Bodies:
//!
//! | body | meaning |
//! | --- | --- |
//! | `cfg arch=aarch64 gic=v3 cpus=2 lines=8 pri=5 its=1 arena=0x40400000` | what discovery found; first record |
//! | `case <index> <id>` | case `index` of the catalogue starts |
//! | `rd <site> <bytes> <hex>` | a register read and its value |
//! | `flt <site> <bytes> <esr> <far>` | an access that faulted |
//! | `imp <label> <hex>` | an implementation-defined value |
//! | `chk <label> <got> <expected>` | an architectural check (hex) |
//! | `exc <esr> <far> <elr>` | an unexpected exception, survived |
//! | `cfg arch=x86_64 cpus=2 pins=24 x2apic=1 iommu=0 arena=0x0 inject=0` | x86 discovery; first record |
//! | `xflt <site> <bytes> <vector> <error code>` | an x86 access that raised an exception (hex) |
//! | `vec 0x31` | an interrupt window delivered vector 0x31 |
//! | `novec` | an interrupt window closed without a delivery |
//! | `xexc <vector> <error code> <rip>` | an unexpected x86 exception (hex) |
//! | `cpu <n>` | the observations that follow come from CPU `n` |
//! | `offline <n>` | CPU `n` could not run the case's code |
//! | `skip <reason...>` | the case skipped itself |
//! | `end <index>` | case `index` finished |
//! | `done <count>` | the run finished after `count` cases; the final record |
//! | `req <id> line <intid> <0\|1>`, `req <id> msi <device> <event>` | a request to the host ([`crate::inject`]) |
//! | `log <text...>` | free text, not compared |

mod crc;
mod decode;
mod encode;

pub use crc::crc16;
pub use decode::{DecodeError, decode_line};
pub use encode::{LineBuf, encode};

use crate::{Observation, TargetInfo};

/// The sentinel that starts every record.
pub const SENTINEL: &str = "@@irq ";
/// The longest record, sentinel to checksum, in bytes.
pub const MAX_RECORD: usize = 119;

/// One record of the wire protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record<'a> {
    /// What discovery found.
    Config(TargetInfo),
    /// Case `index` of the catalogue starts.
    CaseStart {
        /// Index in the catalogue.
        index: u16,
        /// The case id (checked by the host against its own catalogue).
        id: &'a str,
    },
    /// An observation of the running case.
    Obs(Observation<'a>),
    /// The running case skipped itself.
    Skip {
        /// Why.
        reason: &'a str,
    },
    /// Case `index` finished.
    CaseEnd {
        /// Index in the catalogue.
        index: u16,
    },
    /// The run finished.
    Done {
        /// How many cases ran in this boot.
        cases: u16,
    },
    /// A request to the host (see [`crate::inject`]); the host answers on the console input.
    Request {
        /// Request number, unique in the boot.
        id: u32,
        /// What to do.
        request: crate::inject::Inject,
    },
    /// Free text.
    Log(&'a str),
}

#[cfg(test)]
mod tests;
