//! ITS registers (IHI 0069H §12.19): the control frame (ITS_base) and GITS_TRANSLATER in the
//! translation frame, 64 KiB above it.

/// GITS_CTLR: Enabled (bit 0), Quiescent (bit 31, RO).
pub const CTLR: u32 = 0x0000;
/// GITS_IIDR (RO).
pub const IIDR: u32 = 0x0004;
/// GITS_TYPER (64-bit, RO).
pub const TYPER: u32 = 0x0008;
/// GITS_CBASER (64-bit): the command queue.
pub const CBASER: u32 = 0x0080;
/// GITS_CWRITER (64-bit): where software has written commands up to.
pub const CWRITER: u32 = 0x0088;
/// GITS_CREADR (64-bit, RO): where the ITS has processed commands up to.
pub const CREADR: u32 = 0x0090;
/// GITS_BASER<n> (64-bit), n = 0..7.
pub const BASER: u32 = 0x0100;
/// GITS_PIDR2 (RO): ArchRev in bits [7:4].
pub const PIDR2: u32 = 0xffe8;
/// GITS_TRANSLATER (32-bit, WO), in the translation frame.
pub const TRANSLATER: u32 = 0x1_0040;

const FIXED: &[(u32, &str)] = &[
    (CTLR, "GITS_CTLR"),
    (IIDR, "GITS_IIDR"),
    (TYPER, "GITS_TYPER"),
    (CBASER, "GITS_CBASER"),
    (CWRITER, "GITS_CWRITER"),
    (CREADR, "GITS_CREADR"),
    (PIDR2, "GITS_PIDR2"),
    (TRANSLATER, "GITS_TRANSLATER"),
];

/// Writes the name of the ITS register at `offset`.
pub fn name(offset: u32, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
    if (BASER..BASER + 0x40).contains(&offset) {
        return write!(out, "GITS_BASER{}", (offset - BASER) / 8);
    }
    super::name_in(FIXED, &[], "GITS", offset, out)
}

/// GITS_CTLR.Enabled.
pub const CTLR_ENABLED: u32 = 1 << 0;
/// GITS_CTLR.Quiescent.
pub const CTLR_QUIESCENT: u32 = 1 << 31;

/// GITS_TYPER (IHI 0069H §12.19.15).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Typer(pub u64);

impl Typer {
    /// Physical, bit 0: physical LPIs supported.
    pub const fn physical(self) -> bool {
        self.0 & 1 != 0
    }
    /// ITT_entry_size, bits [7:4]: bytes per ITT entry minus one.
    pub const fn itt_entry_size(self) -> u32 {
        ((self.0 >> 4) & 0xf) as u32 + 1
    }
    /// ID_bits, bits [12:8]: EventID bits minus one.
    pub const fn event_id_bits(self) -> u32 {
        ((self.0 >> 8) & 0x1f) as u32 + 1
    }
    /// Devbits, bits [17:13]: DeviceID bits minus one.
    pub const fn device_id_bits(self) -> u32 {
        ((self.0 >> 13) & 0x1f) as u32 + 1
    }
    /// PTA, bit 19: target addresses are physical addresses (1) or processor numbers (0).
    pub const fn pta(self) -> bool {
        self.0 & (1 << 19) != 0
    }
    /// HCC, bits [31:24]: collections held in the ITS, not in memory.
    pub const fn hcc(self) -> u32 {
        ((self.0 >> 24) & 0xff) as u32
    }
}

/// GITS_BASER<n>.Type, bits [58:56] (IHI 0069H §12.19.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableType {
    /// Unimplemented register.
    None,
    /// The device table.
    Devices,
    /// vPEs (GICv4).
    Vpes,
    /// The collection table.
    Collections,
    /// A type this kit does not know.
    Other(u8),
}

/// GITS_BASER<n> (IHI 0069H §12.19.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Baser(pub u64);

impl Baser {
    /// Valid, bit 63.
    pub const VALID: u64 = 1 << 63;
    /// Indirect, bit 62: a two-level table.
    pub const INDIRECT: u64 = 1 << 62;
    /// InnerCache = 0b111 (write-back, read- and write-allocate), bits [61:59].
    pub const INNER_WB: u64 = 0b111 << 59;
    /// Shareability = inner shareable, bits [11:10].
    pub const INNER_SHAREABLE: u64 = 0b01 << 10;

    /// Type, bits [58:56].
    pub const fn table_type(self) -> TableType {
        match (self.0 >> 56) & 0x7 {
            0 => TableType::None,
            1 => TableType::Devices,
            2 => TableType::Vpes,
            4 => TableType::Collections,
            other => TableType::Other(other as u8),
        }
    }
    /// Entry_Size, bits [52:48]: bytes per entry minus one.
    pub const fn entry_size(self) -> u32 {
        ((self.0 >> 48) & 0x1f) as u32 + 1
    }
    /// A valid flat table of `pages` 4 KiB pages at `pa` (4 KiB page size), keeping this
    /// register's read-only fields (Type, Entry_Size).
    pub const fn flat_4k(self, pa: u64, pages: u64) -> Baser {
        let keep = self.0 & (0x7 << 56 | 0x1f << 48);
        Baser(
            keep | Baser::VALID
                | Baser::INNER_WB
                | Baser::INNER_SHAREABLE
                | (pa & 0x0000_ffff_ffff_f000)
                | ((pages - 1) & 0xff),
        )
    }
}

/// GITS_CBASER for a queue of `pages` 4 KiB pages at `pa`: Valid, inner shareable write-back
/// (IHI 0069H §12.19.2).
pub const fn cbaser(pa: u64, pages: u64) -> u64 {
    Baser::VALID
        | Baser::INNER_WB
        | Baser::INNER_SHAREABLE
        | (pa & 0x000f_ffff_ffff_f000)
        | ((pages - 1) & 0xff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typer_fields_decode() {
        // Physical, 8-byte ITT entries, 16 EventID bits, 16 DeviceID bits, PTA = 0, HCC = 0.
        let t = Typer(1 | 7 << 4 | 15 << 8 | 15 << 13);
        assert!(t.physical() && !t.pta());
        assert_eq!(
            (
                t.itt_entry_size(),
                t.event_id_bits(),
                t.device_id_bits(),
                t.hcc()
            ),
            (8, 16, 16, 0)
        );
    }

    #[test]
    fn flat_baser_keeps_type_and_entry_size() {
        let reported = Baser(1 << 56 | 7 << 48);
        let b = reported.flat_4k(0x4810_0000, 2);
        assert_eq!(b.table_type(), TableType::Devices);
        assert_eq!(b.entry_size(), 8);
        assert_eq!(b.0 & Baser::VALID, Baser::VALID);
        assert_eq!(b.0 & 0xff, 1, "Size is pages minus one");
        assert_eq!(b.0 & 0x0000_ffff_ffff_f000, 0x4810_0000);
    }

    #[test]
    fn cbaser_encodes_address_and_size() {
        let c = cbaser(0x4820_0000, 1);
        assert_eq!(c & 0xff, 0);
        assert_eq!(c & 0x000f_ffff_ffff_f000, 0x4820_0000);
        assert!(c & Baser::VALID != 0);
    }
}
