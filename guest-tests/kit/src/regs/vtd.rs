//! VT-d remapping hardware unit registers (Intel VT-d specification §10.4, table 10-1).

use core::fmt;

/// Version Register (32-bit).
pub const VER: u32 = 0x00;
/// Capability Register (64-bit).
pub const CAP: u32 = 0x08;
/// Extended Capability Register (64-bit).
pub const ECAP: u32 = 0x10;
/// Global Command Register (32-bit).
pub const GCMD: u32 = 0x18;
/// Global Status Register (32-bit).
pub const GSTS: u32 = 0x1c;
/// Root Table Address Register (64-bit).
pub const RTADDR: u32 = 0x20;
/// Fault Status Register (32-bit).
pub const FSTS: u32 = 0x34;
/// Fault Event Control Register (32-bit).
pub const FECTL: u32 = 0x38;
/// Invalidation Queue Head (64-bit).
pub const IQH: u32 = 0x80;
/// Invalidation Queue Tail (64-bit).
pub const IQT: u32 = 0x88;
/// Invalidation Queue Address (64-bit).
pub const IQA: u32 = 0x90;
/// Interrupt Remapping Table Address (64-bit).
pub const IRTA: u32 = 0xb8;

/// ECAP.IR, bit 3: interrupt remapping supported (§10.4.3).
pub const ECAP_IR: u64 = 1 << 3;

/// The name of the register at `offset`.
pub fn name(offset: u32, out: &mut dyn fmt::Write) -> fmt::Result {
    const FIXED: &[(u32, &str)] = &[
        (VER, "VER_REG"),
        (CAP, "CAP_REG"),
        (ECAP, "ECAP_REG"),
        (GCMD, "GCMD_REG"),
        (GSTS, "GSTS_REG"),
        (RTADDR, "RTADDR_REG"),
        (FSTS, "FSTS_REG"),
        (FECTL, "FECTL_REG"),
        (IQH, "IQH_REG"),
        (IQT, "IQT_REG"),
        (IQA, "IQA_REG"),
        (IRTA, "IRTA_REG"),
    ];
    match FIXED.iter().find(|(o, _)| *o == offset) {
        Some((_, name)) => out.write_str(name),
        None => write!(out, "DMAR+{offset:#x}"),
    }
}
