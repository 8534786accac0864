//! Discovery from ACPI (ACPI 6.5 §5.2): the RSDP, the XSDT (or RSDT), and the three tables the
//! guest needs, parsed by hand (a few fixed offsets each):
//!
//! - MADT (`APIC`, §5.2.12): the local APIC address, the CPUs (Processor Local APIC, type 0, and
//!   Processor Local x2APIC, type 9, entries with the Enabled flag), the first I/O APIC
//!   (type 1), interrupt source overrides (type 2), the 64-bit local APIC address override
//!   (type 5).
//! - DMAR (Intel VT-d specification §8.1, §8.3): the first DMA Remapping Hardware Unit
//!   Definition's register base.
//! - FADT (`FACP`, §5.2.9): PM1a control block and PM timer ports, and from the DSDT the `\_S5`
//!   sleep type (§7.4.2), for the ACPI soft-off ([`crate::exit`]).
//!
//! Never a fixed address: what is not in the tables is not there.

use crate::cpu::MAX_CPUS;
use crate::phys;

/// The standard table header's length (§5.2.6).
const HEADER: u64 = 36;
/// Interrupt source overrides kept.
pub const MAX_OVERRIDES: usize = 16;

/// An ISA IRQ routed to a different GSI, or with other polarity/trigger (MADT type 2).
#[derive(Clone, Copy, Debug, Default)]
pub struct Override {
    /// The ISA IRQ.
    pub source: u8,
    /// The GSI it is wired to.
    pub gsi: u32,
    /// MPS INTI flags: polarity (bits 1:0), trigger mode (bits 3:2).
    pub flags: u16,
}

/// What the ACPI tables describe.
#[derive(Clone, Copy, Debug)]
pub struct Machine {
    /// The local APICs' MMIO base (xAPIC mode).
    pub lapic_base: u64,
    /// MADT flag PCAT_COMPAT: the machine also has the PC-AT's dual 8259s.
    pub pcat_compat: bool,
    /// APIC IDs of the enabled CPUs, in MADT order (the first [`Machine::cpus`] are valid).
    pub apic_ids: [u32; MAX_CPUS],
    /// How many of `apic_ids` are valid.
    pub cpus: usize,
    /// Enabled CPUs the MADT lists (more than [`MAX_CPUS`] are not kept).
    pub cpus_listed: usize,
    /// The first I/O APIC: its MMIO base and first GSI.
    pub ioapic: Option<(u64, u32)>,
    /// I/O APICs listed.
    pub ioapics: usize,
    /// Interrupt source overrides (the first [`Machine::override_count`]).
    pub overrides: [Override; MAX_OVERRIDES],
    /// How many of `overrides` are valid.
    pub override_count: usize,
    /// The first VT-d remapping unit's register base.
    pub dmar: Option<u64>,
    /// PM1a control block I/O port.
    pub pm1a_control: Option<u16>,
    /// The `\_S5` SLP_TYPa value.
    pub s5_sleep_type: Option<u8>,
    /// The PM timer port, and whether its counter is 32-bit (FADT flag TMR_VAL_EXT).
    pub pm_timer: Option<(u16, bool)>,
}

impl Machine {
    const fn empty() -> Machine {
        Machine {
            lapic_base: 0,
            pcat_compat: false,
            apic_ids: [0; MAX_CPUS],
            cpus: 0,
            cpus_listed: 0,
            ioapic: None,
            ioapics: 0,
            overrides: [Override {
                source: 0,
                gsi: 0,
                flags: 0,
            }; MAX_OVERRIDES],
            override_count: 0,
            dmar: None,
            pm1a_control: None,
            s5_sleep_type: None,
            pm_timer: None,
        }
    }
}

/// Finds the RSDP: at `given` (the PVH start info's `rsdp_paddr`) or, when that is 0, in the
/// BIOS read-only area 0xe0000..0xfffff on a 16-byte boundary (§5.2.5.1).
///
/// # Safety
/// The low 1 MiB and `given` are identity mapped and readable (boot page tables).
unsafe fn rsdp(given: u64) -> Option<u64> {
    if given != 0 {
        return Some(given);
    }
    (0xe_0000u64..0x10_0000)
        .step_by(16)
        // SAFETY: inside the BIOS area, per the contract.
        .find(|&a| unsafe { phys::bytes(a, 8) } == b"RSD PTR ")
}

/// Parses the tables reachable from the RSDP (`rsdp_paddr` of the start info; 0: search).
///
/// # Safety
/// The ACPI tables are where the firmware says, below 4 GiB (identity mapped), and unchanged.
pub unsafe fn discover(rsdp_paddr: u64) -> Result<Machine, &'static str> {
    // SAFETY: per the contract.
    let rsdp = unsafe { rsdp(rsdp_paddr) }.ok_or("no ACPI RSDP: cannot discover the machine")?;
    // SAFETY: the RSDP (20 bytes for revision 0, 36 from revision 2).
    let (signature, revision) = unsafe { (phys::bytes(rsdp, 8), phys::read_u8(rsdp + 15)) };
    if signature != b"RSD PTR " {
        return Err("the RSDP address does not hold an RSDP");
    }
    // SAFETY: XsdtAddress at offset 24 (revision >= 2), RsdtAddress at 16.
    let (root, entry) = unsafe {
        match phys::read_u64(rsdp + 24) {
            x if revision >= 2 && x != 0 => (x, 8),
            _ => (u64::from(phys::read_u32(rsdp + 16)), 4),
        }
    };
    let mut machine = Machine::empty();
    // SAFETY: the root table's header.
    let length = u64::from(unsafe { phys::read_u32(root + 4) });
    let mut at = root + HEADER;
    while at + entry <= root + length {
        // SAFETY: an entry of the root table.
        let table = unsafe {
            if entry == 8 {
                phys::read_u64(at)
            } else {
                u64::from(phys::read_u32(at))
            }
        };
        at += entry;
        if table == 0 {
            continue;
        }
        // SAFETY: a table the root table lists.
        let (sig, len) = unsafe { (phys::bytes(table, 4), phys::read_u32(table + 4)) };
        // SAFETY: the whole table, `len` bytes.
        if !checksum_ok(unsafe { phys::bytes(table, len as usize) }) {
            continue;
        }
        // SAFETY: a checked table of its own length.
        unsafe {
            match sig {
                b"APIC" => madt(table, len.into(), &mut machine),
                b"DMAR" => dmar(table, len.into(), &mut machine),
                b"FACP" => fadt(table, len.into(), &mut machine),
                _ => {}
            }
        }
    }
    if machine.lapic_base == 0 {
        return Err("no MADT in the ACPI tables: no local APIC described");
    }
    if machine.cpus == 0 {
        return Err("the MADT lists no enabled CPU");
    }
    Ok(machine)
}

/// Whether the bytes of a table sum to 0 (§5.2.6).
fn checksum_ok(table: &[u8]) -> bool {
    table.iter().fold(0u8, |s, b| s.wrapping_add(*b)) == 0
}

/// MADT (§5.2.12): local APIC address at 36, flags at 40, entries from 44.
///
/// # Safety
/// `table` is a checksummed MADT of `len` bytes.
unsafe fn madt(table: u64, len: u64, m: &mut Machine) {
    // SAFETY: per the contract (inside the table).
    m.lapic_base = u64::from(unsafe { phys::read_u32(table + 36) });
    // SAFETY: as above; the MADT's Flags (§5.2.12, table 5.19: bit 0 PCAT_COMPAT).
    m.pcat_compat = unsafe { phys::read_u32(table + 40) } & 1 != 0;
    let mut at = table + 44;
    while at + 2 <= table + len {
        // SAFETY: an entry header inside the table.
        let (kind, elen) = unsafe { (phys::read_u8(at), u64::from(phys::read_u8(at + 1))) };
        if elen < 2 || at + elen > table + len {
            break;
        }
        // SAFETY: the entry, `elen` bytes inside the table; offsets per §5.2.12.2-.12.
        unsafe {
            match kind {
                0 if elen >= 8 => {
                    let flags = phys::read_u32(at + 4);
                    cpu(m, phys::read_u8(at + 3).into(), flags);
                }
                1 if elen >= 12 => {
                    if m.ioapic.is_none() {
                        m.ioapic = Some((phys::read_u32(at + 4).into(), phys::read_u32(at + 8)));
                    }
                    m.ioapics += 1;
                }
                2 if elen >= 10 && m.override_count < MAX_OVERRIDES => {
                    m.overrides[m.override_count] = Override {
                        source: phys::read_u8(at + 3),
                        gsi: phys::read_u32(at + 4),
                        flags: phys::read_u16(at + 8),
                    };
                    m.override_count += 1;
                }
                5 if elen >= 12 => m.lapic_base = phys::read_u64(at + 4),
                9 if elen >= 16 => {
                    let flags = phys::read_u32(at + 8);
                    cpu(m, phys::read_u32(at + 4), flags);
                }
                _ => {}
            }
        }
        at += elen;
    }
}

/// A CPU entry: kept when its Enabled flag (bit 0) is set.
fn cpu(m: &mut Machine, apic_id: u32, flags: u32) {
    if flags & 1 == 0 {
        return;
    }
    if m.cpus < MAX_CPUS {
        m.apic_ids[m.cpus] = apic_id;
        m.cpus += 1;
    }
    m.cpus_listed += 1;
}

/// DMAR (VT-d §8.1): remapping structures from 48; a DRHD (type 0, §8.3) has its register base
/// at 8.
///
/// # Safety
/// `table` is a checksummed DMAR of `len` bytes.
unsafe fn dmar(table: u64, len: u64, m: &mut Machine) {
    let mut at = table + 48;
    while at + 4 <= table + len {
        // SAFETY: a structure header inside the table.
        let (kind, slen) = unsafe { (phys::read_u16(at), u64::from(phys::read_u16(at + 2))) };
        if slen < 4 || at + slen > table + len {
            break;
        }
        if kind == 0 && slen >= 16 && m.dmar.is_none() {
            // SAFETY: the DRHD's Register Base Address, inside the structure.
            m.dmar = Some(unsafe { phys::read_u64(at + 8) });
        }
        at += slen;
    }
}

/// FADT (§5.2.9): DSDT at 40 (X_DSDT at 140), PM1a_CNT_BLK at 64, PM_TMR_BLK at 76, flags at
/// 112 (TMR_VAL_EXT bit 8, HW_REDUCED_ACPI bit 20).
///
/// # Safety
/// `table` is a checksummed FADT of `len` bytes.
unsafe fn fadt(table: u64, len: u64, m: &mut Machine) {
    if len < 116 {
        return;
    }
    // SAFETY: fixed FADT fields inside its length (checked above and below).
    let (dsdt32, pm1a, pm_timer, flags) = unsafe {
        (
            phys::read_u32(table + 40),
            phys::read_u32(table + 64),
            phys::read_u32(table + 76),
            phys::read_u32(table + 112),
        )
    };
    let hw_reduced = flags >> 20 & 1 == 1;
    if !hw_reduced {
        m.pm1a_control = u16::try_from(pm1a).ok().filter(|&p| p != 0);
        m.pm_timer = u16::try_from(pm_timer)
            .ok()
            .filter(|&p| p != 0)
            .map(|p| (p, flags >> 8 & 1 == 1));
    }
    let dsdt = if len >= 148 {
        // SAFETY: X_DSDT, inside the table.
        match unsafe { phys::read_u64(table + 140) } {
            0 => u64::from(dsdt32),
            x => x,
        }
    } else {
        u64::from(dsdt32)
    };
    if dsdt != 0 {
        // SAFETY: the DSDT the FADT points to, its length from its header.
        m.s5_sleep_type = unsafe {
            let dlen = phys::read_u32(dsdt + 4) as usize;
            s5_sleep_type(phys::bytes(dsdt, dlen))
        };
    }
}

/// SLP_TYPa of `\_S5` from the DSDT's AML: `NameOp "_S5_" PackageOp PkgLength NumElements`
/// then the first element (ACPI 6.5 §20.2.5: ZeroOp 0x00, OneOp 0x01, BytePrefix 0x0a + byte).
fn s5_sleep_type(aml: &[u8]) -> Option<u8> {
    let at = aml.windows(4).position(|w| w == b"_S5_")?;
    let rest = aml.get(at + 4..)?;
    if *rest.first()? != 0x12 {
        return None;
    }
    // PkgLength: bits 7:6 of the lead byte count the bytes that follow it.
    let pkg_len_bytes = 1 + usize::from(rest.get(1)? >> 6);
    let first = rest.get(1 + pkg_len_bytes + 1..)?;
    match *first.first()? {
        0x00 => Some(0),
        0x01 => Some(1),
        0x0a => first.get(1).copied(),
        _ => None,
    }
}
