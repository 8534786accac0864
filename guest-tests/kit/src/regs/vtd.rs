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

/// Fault Event Data Register (32-bit).
pub const FEDATA: u32 = 0x3c;
/// Fault Event Address Register (32-bit).
pub const FEADDR: u32 = 0x40;

/// ECAP.QI, bit 1: queued invalidation supported (§10.4.3).
pub const ECAP_QI: u64 = 1 << 1;
/// ECAP.IR, bit 3: interrupt remapping supported (§10.4.3).
pub const ECAP_IR: u64 = 1 << 3;
/// CAP.PI, bit 59: posted interrupts supported (§10.4.2).
pub const CAP_PI: u64 = 1 << 59;

/// The offset of the first fault recording register: CAP.FRO (bits 33:24) × 16 (§10.4.2).
pub const fn fault_record_offset(cap: u64) -> u32 {
    ((cap >> 24 & 0x3ff) * 16) as u32
}

bitflags::bitflags! {
    /// GCMD_REG commands and the GSTS_REG status bits at the same positions (§10.4.4, §10.4.5).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Global: u32 {
        /// Translation enable.
        const TE = 1 << 31;
        /// Set root table pointer (one-shot).
        const SRTP = 1 << 30;
        /// Set fault log (one-shot).
        const SFL = 1 << 29;
        /// Write buffer flush (one-shot).
        const WBF = 1 << 27;
        /// Queued invalidation enable.
        const QIE = 1 << 26;
        /// Interrupt remapping enable.
        const IRE = 1 << 25;
        /// Set interrupt remap table pointer (one-shot).
        const SIRTP = 1 << 24;
        /// Compatibility format interrupts allowed.
        const CFI = 1 << 23;
    }
}

impl Global {
    /// The one-shot commands, which software clears from the GSTS value it writes back to GCMD
    /// (§10.4.4: "read GSTS, clear the one-shot bits, set or clear the command, write GCMD").
    pub const ONE_SHOT: Global = Global::SRTP
        .union(Global::SFL)
        .union(Global::WBF)
        .union(Global::SIRTP);
}

bitflags::bitflags! {
    /// FSTS_REG (§10.4.9): PFO, IQE, ICE, ITE are write-1-to-clear; PPF is read only.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Fsts: u32 {
        /// Primary fault overflow.
        const PFO = 1 << 0;
        /// Primary pending fault: a fault recording register has F set.
        const PPF = 1 << 1;
        /// Invalidation queue error.
        const IQE = 1 << 4;
        /// Invalidation completion error.
        const ICE = 1 << 5;
        /// Invalidation time-out error.
        const ITE = 1 << 6;
    }
}

/// FSTS.FRI (bits 15:8): the index of the fault recording register holding the first pending
/// fault, valid while PPF is set (§10.4.9).
pub const fn fault_record_index(fsts: u32) -> u32 {
    fsts >> 8 & 0xff
}

/// FECTL_REG bit 31: interrupt mask (fault events not sent, §10.4.10).
pub const FECTL_IM: u32 = 1 << 31;

/// An IRTA_REG value: the table at `gpa` (4 KiB aligned) with 2^(`s` + 1) entries, xAPIC
/// destination format (EIME = 0) (§10.4.29).
pub const fn irta(gpa: u64, s: u8) -> u64 {
    gpa & !0xfff | (s & 0xf) as u64
}

/// An IQA_REG value: a one-page queue (QS = 0, 256 descriptors of 128 bits) at `gpa`
/// (§10.4.23).
pub const fn iqa(gpa: u64) -> u64 {
    gpa & !0xfff
}

/// The IQT/IQH value of 128-bit descriptor `index` (bits 18:4, §10.4.21, §10.4.22).
pub const fn queue_offset(index: u64) -> u64 {
    index << 4
}

/// A 128-bit invalidation descriptor (§6.5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Descriptor {
    /// Bits 63:0.
    pub lo: u64,
    /// Bits 127:64.
    pub hi: u64,
}

impl Descriptor {
    /// Interrupt entry cache invalidation (type 4), global (§6.5.2.7).
    pub const fn iec_global() -> Descriptor {
        Descriptor { lo: 0x4, hi: 0 }
    }
    /// Interrupt entry cache invalidation of one entry `index` (granularity G = 1, IM = 0).
    pub const fn iec_index(index: u16) -> Descriptor {
        Descriptor {
            lo: 0x4 | 1 << 4 | (index as u64) << 32,
            hi: 0,
        }
    }
    /// Invalidation wait (type 5) that writes `data` to `status` (4-byte aligned) when every
    /// earlier descriptor completed: SW = 1 (§6.5.2.8).
    pub const fn wait(status: u64, data: u32) -> Descriptor {
        Descriptor {
            lo: 0x5 | 1 << 5 | (data as u64) << 32,
            hi: status & !0x3,
        }
    }
    /// A descriptor of reserved type `ty` (types above 7 in the 128-bit format are reserved).
    pub const fn reserved_type(ty: u8) -> Descriptor {
        Descriptor {
            lo: (ty & 0xf) as u64,
            hi: 0,
        }
    }
    /// The 16 bytes in memory order.
    pub fn to_bytes(self) -> [u8; 16] {
        let mut out = [0; 16];
        out[..8].copy_from_slice(&self.lo.to_le_bytes());
        out[8..].copy_from_slice(&self.hi.to_le_bytes());
        out
    }
}

/// A 128-bit interrupt remapping table entry (§9.10, remapped format; §9.11, posted format).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Irte {
    /// Bits 63:0.
    pub lo: u64,
    /// Bits 127:64.
    pub hi: u64,
}

impl Irte {
    /// Present, remapped format, fixed, edge, physical, `vector` to xAPIC ID `dest` (the
    /// destination field's bits 15:8 in xAPIC mode, i.e. IRTE bits 47:40); no source-id check.
    pub const fn remapped(vector: u8, dest: u8) -> Irte {
        Irte {
            lo: 1 | (vector as u64) << 16 | (dest as u64) << 40,
            hi: 0,
        }
    }
    /// Present, posted format (IM = 1): `vector` recorded in the posted-interrupt descriptor at
    /// `pda` (64-byte aligned), not urgent.
    pub const fn posted(vector: u8, pda: u64) -> Irte {
        Irte {
            lo: 1 | 1 << 15 | (vector as u64) << 16 | (pda & 0xffff_ffc0) << 32,
            hi: (pda >> 32) << 32,
        }
    }
    /// This entry with URG (bit 14, posted format) set: notify even when SN is set.
    pub const fn urgent(self) -> Irte {
        Irte {
            lo: self.lo | 1 << 14,
            hi: self.hi,
        }
    }
    /// This entry with the Present bit clear.
    pub const fn not_present(self) -> Irte {
        Irte {
            lo: self.lo & !1,
            hi: self.hi,
        }
    }
    /// This entry verifying the requester: SVT = 01, SQ = 00, SID = `sid` (§9.10).
    pub const fn verify_sid(self, sid: u16) -> Irte {
        Irte {
            lo: self.lo,
            hi: self.hi & !0xf_ffff | 1 << 18 | sid as u64,
        }
    }
    /// The 16 bytes in memory order.
    pub fn to_bytes(self) -> [u8; 16] {
        let mut out = [0; 16];
        out[..8].copy_from_slice(&self.lo.to_le_bytes());
        out[8..].copy_from_slice(&self.hi.to_le_bytes());
        out
    }
}

/// The address of a remappable-format MSI naming IRTE `handle`, no sub-handle (SHV = 0)
/// (§5.1.2.2: bit 4 = 1, handle bits 14:0 in address bits 19:5, bit 15 in bit 2).
pub const fn remappable_msi_address(handle: u16) -> u32 {
    0xfee0_0000 | ((handle as u32) & 0x7fff) << 5 | 1 << 4 | ((handle as u32) >> 15 & 1) << 2
}

/// The upper 64 bits of a fault recording register (§10.4.14).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultRecordHigh(pub u64);

impl FaultRecordHigh {
    /// Bit 63 (127 of the record): F, a fault is recorded.
    pub const fn fault(self) -> bool {
        self.0 >> 63 & 1 == 1
    }
    /// Bits 39:32 (103:96): the fault reason (0x20-0x28 for interrupt remapping, §7.1.3).
    pub const fn reason(self) -> u8 {
        (self.0 >> 32) as u8
    }
    /// Bits 15:0 (79:64): the requester's source-id.
    pub const fn source_id(self) -> u16 {
        self.0 as u16
    }
}

/// The interrupt-remapping fault reasons of the VT-d specification §7.1.3 (table 25).
pub mod fault_reason {
    /// The handle indexes past the table (IRTA.S).
    pub const INDEX_BEYOND_TABLE: u8 = 0x21;
    /// The IRTE's Present bit is clear.
    pub const NOT_PRESENT: u8 = 0x22;
    /// A compatibility-format request was blocked (IRE = 1, CFIS = 0).
    pub const COMPAT_BLOCKED: u8 = 0x25;
    /// Source-id verification failed.
    pub const SID_MISMATCH: u8 = 0x26;
}

/// A posted-interrupt descriptor (64 bytes, §9.12): PIR bits 255:0, ON bit 256, SN bit 257,
/// NV bits 279:272, NDST bits 319:288.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PostedDescriptor(pub [u8; 64]);

impl PostedDescriptor {
    /// Empty PIR, ON = SN = 0, notification vector `nv` to xAPIC ID `dest` (NDST bits 15:8).
    pub fn new(nv: u8, dest: u8) -> PostedDescriptor {
        let mut d = [0; 64];
        let control = (nv as u64) << 16 | (dest as u64) << 40;
        d[32..40].copy_from_slice(&control.to_le_bytes());
        PostedDescriptor(d)
    }
    fn control(&self) -> u64 {
        let mut c = [0; 8];
        c.copy_from_slice(&self.0[32..40]);
        u64::from_le_bytes(c)
    }
    fn set_control_bit(&mut self, bit: u32) {
        let c = self.control() | 1 << bit;
        self.0[32..40].copy_from_slice(&c.to_le_bytes());
    }
    /// Sets SN (suppress notification).
    pub fn suppress(&mut self) {
        self.set_control_bit(1);
    }
    /// Sets ON (outstanding notification).
    pub fn outstanding(&mut self) {
        self.set_control_bit(0);
    }
    /// ON.
    pub fn on(&self) -> bool {
        self.control() & 1 == 1
    }
    /// The PIR bit of `vector`.
    pub fn pir(&self, vector: crate::Vector) -> bool {
        let v = vector.raw() as usize;
        self.0[v / 8] >> (v % 8) & 1 == 1
    }
}

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
        (FEDATA, "FEDATA_REG"),
        (FEADDR, "FEADDR_REG"),
    ];
    match FIXED.iter().find(|(o, _)| *o == offset) {
        Some((_, name)) => out.write_str(name),
        None => write!(out, "DMAR+{offset:#x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn irte_and_msi_encodings_follow_the_vt_d_layouts() {
        let e = Irte::remapped(0x66, 1).verify_sid(0x10);
        assert_eq!((e.lo, e.hi), (0x0000_0100_0066_0001, 0x4_0010));
        assert_eq!(remappable_msi_address(3), 0xfee0_0070);
        assert_eq!(remappable_msi_address(0x8000), 0xfee0_0014);
        let p = Irte::posted(0x67, 0x1_2345_6780).urgent();
        assert_eq!((p.lo, p.hi), (0x2345_6780_0067_c001, 0x1_0000_0000));
        let w = Descriptor::wait(0x2000, 7);
        assert_eq!((w.lo, w.hi), (0x7_0000_0025, 0x2000));
        assert_eq!(Global::ONE_SHOT.bits(), 0x6900_0000);
        let mut d = PostedDescriptor::new(0xf2, 1);
        d.outstanding();
        assert!(d.on() && !d.pir(crate::Vector::new(3)));
        assert_eq!(fault_record_offset(0x0200 << 24), 0x2000);
    }
}
