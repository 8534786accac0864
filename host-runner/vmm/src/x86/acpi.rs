//! The ACPI tables the VMM writes for the x86_64 guest (ACPI 6.5): the RSDP (§5.2.5.3), an
//! XSDT (§5.2.8), a MADT (§5.2.12) with one Processor Local APIC structure per vCPU, the IOAPIC
//! at [`layout::IOAPIC`] with GSI base 0 and the ISA IRQ 0 → GSI 2 override every PC has, and a
//! FADT (§5.2.9) whose only job is to name the PM timer (the guest calibrates its TSC on it)
//! and the PM1 blocks ([`super::ports`]). There is no DSDT: the guest ends through
//! `isa-debug-exit`. Every table's bytes sum to zero (§5.2.6); the RSDP's first 20 bytes do
//! too, and all 36 (the extended checksum).

use super::{layout, ports};

/// The OEM fields of every header.
const OEM_ID: &[u8; 6] = b"IRQSTE";
const OEM_TABLE_ID: &[u8; 8] = b"IRQSUITE";
const CREATOR_ID: &[u8; 4] = b"IRQS";
/// A table header's size.
pub const HEADER: usize = 36;
/// MADT flags: PCAT_COMPAT (dual 8259s present; the guest masks them).
const PCAT_COMPAT: u32 = 1;
/// Local APIC flags: Enabled.
const LAPIC_ENABLED: u32 = 1;
/// The IOAPIC's ID.
pub const IOAPIC_ID: u8 = 0;
/// FADT flags: WBINVD (bit 0) and TMR_VAL_EXT (bit 8, a 32-bit PM timer).
const FADT_FLAGS: u32 = 1 | 1 << 8;
/// The FADT's size in revision 6.
const FADT_LEN: usize = 276;
/// Generic Address Structure: system I/O space.
const GAS_SYSTEM_IO: u8 = 1;

/// The byte that makes `bytes` sum to zero when put in place of one of its zero bytes.
fn checksum(bytes: &[u8]) -> u8 {
    0u8.wrapping_sub(bytes.iter().fold(0u8, |s, b| s.wrapping_add(*b)))
}

/// A table: header (signature, length, revision, checksum, OEM fields) then `body`.
fn table(signature: &[u8; 4], revision: u8, body: &[u8]) -> Vec<u8> {
    let mut t = Vec::with_capacity(HEADER + body.len());
    t.extend(signature);
    t.extend(((HEADER + body.len()) as u32).to_le_bytes());
    t.push(revision);
    t.push(0); // checksum, below
    t.extend(OEM_ID);
    t.extend(OEM_TABLE_ID);
    t.extend(1u32.to_le_bytes()); // OEM revision
    t.extend(CREATOR_ID);
    t.extend(1u32.to_le_bytes()); // creator revision
    t.extend(body);
    t[9] = checksum(&t);
    t
}

/// The RSDP (revision 2) pointing at the XSDT at `xsdt`.
pub fn rsdp(xsdt: u64) -> Vec<u8> {
    let mut r = Vec::with_capacity(36);
    r.extend(b"RSD PTR ");
    r.push(0); // checksum of the first 20 bytes
    r.extend(OEM_ID);
    r.push(2); // revision: ACPI 2.0+
    r.extend(0u32.to_le_bytes()); // RsdtAddress: none
    r.extend(36u32.to_le_bytes());
    r.extend(xsdt.to_le_bytes());
    r.push(0); // extended checksum
    r.extend([0; 3]);
    r[8] = checksum(&r[..20]);
    r[32] = checksum(&r);
    r
}

/// An XSDT listing `tables`.
pub fn xsdt(tables: &[u64]) -> Vec<u8> {
    let body: Vec<u8> = tables.iter().flat_map(|a| a.to_le_bytes()).collect();
    table(b"XSDT", 1, &body)
}

/// A MADT for `cpus` vCPUs (APIC IDs 0..cpus, KVM's vCPU ids) and the IOAPIC.
pub fn madt(cpus: u8) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(layout::LAPIC_BASE.to_le_bytes());
    body.extend(PCAT_COMPAT.to_le_bytes());
    for id in 0..cpus {
        // Processor Local APIC (§5.2.12.2): type 0, length 8, UID, APIC ID, flags.
        body.extend([0, 8, id, id]);
        body.extend(LAPIC_ENABLED.to_le_bytes());
    }
    // I/O APIC (§5.2.12.3): type 1, length 12, ID, reserved, address, GSI base.
    body.extend([1, 12, IOAPIC_ID, 0]);
    body.extend((layout::IOAPIC.base as u32).to_le_bytes());
    body.extend(0u32.to_le_bytes());
    // Interrupt Source Override (§5.2.12.5): ISA IRQ 0 (the PIT) is GSI 2, conforming flags.
    body.extend([2, 10, 0, 0]);
    body.extend(2u32.to_le_bytes());
    body.extend(0u16.to_le_bytes());
    table(b"APIC", 5, &body)
}

/// A Generic Address Structure (§5.2.3.2) for an I/O port block of `bytes` bytes.
fn gas_io(port: u16, bytes: u8) -> [u8; 12] {
    let mut g = [0u8; 12];
    g[0] = GAS_SYSTEM_IO;
    g[1] = bytes * 8;
    g[3] = match bytes {
        1 => 1,
        2 => 2,
        _ => 3,
    };
    g[4..12].copy_from_slice(&u64::from(port).to_le_bytes());
    g
}

/// The FADT (revision 6): PM1a event and control blocks and the 32-bit PM timer, no DSDT.
pub fn fadt() -> Vec<u8> {
    let mut body = vec![0u8; FADT_LEN - HEADER];
    let mut put = |at: usize, bytes: &[u8]| {
        body[at - HEADER..at - HEADER + bytes.len()].copy_from_slice(bytes)
    };
    put(46, &9u16.to_le_bytes()); // SCI_INT: ISA IRQ 9 (never raised)
    put(56, &u32::from(ports::PM1A_EVT).to_le_bytes());
    put(64, &u32::from(ports::PM1A_CNT).to_le_bytes());
    put(76, &u32::from(ports::PM_TMR).to_le_bytes());
    put(88, &[4, 2, 0, 4]); // PM1_EVT_LEN, PM1_CNT_LEN, PM2_CNT_LEN, PM_TMR_LEN
    put(112, &FADT_FLAGS.to_le_bytes());
    put(131, &[5]); // FADT minor version: 6.5
    put(148, &gas_io(ports::PM1A_EVT, 4));
    put(172, &gas_io(ports::PM1A_CNT, 2));
    put(208, &gas_io(ports::PM_TMR, 4));
    table(b"FACP", 6, &body)
}

/// Every table with its address: RSDP, XSDT, MADT, FADT.
pub fn tables(cpus: u8) -> [(u64, Vec<u8>); 4] {
    [
        (layout::RSDP, rsdp(layout::XSDT)),
        (layout::XSDT, xsdt(&[layout::MADT, layout::FADT])),
        (layout::MADT, madt(cpus)),
        (layout::FADT, fadt()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums_to_zero(bytes: &[u8]) -> bool {
        bytes.iter().fold(0u8, |s, b| s.wrapping_add(*b)) == 0
    }

    fn u32_at(t: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(t[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn every_table_sums_to_zero_and_its_length_field_is_its_size() {
        for (_, t) in &tables(3)[1..] {
            assert!(sums_to_zero(t), "{:?}", &t[..4]);
            assert_eq!(u32_at(t, 4) as usize, t.len());
        }
        let r = rsdp(layout::XSDT);
        assert_eq!(r.len(), 36);
        assert!(sums_to_zero(&r[..20]) && sums_to_zero(&r));
        assert_eq!(&r[..8], b"RSD PTR ");
        assert_eq!(
            u64::from_le_bytes(r[24..32].try_into().unwrap()),
            layout::XSDT
        );
    }

    #[test]
    fn the_xsdt_lists_the_madt_and_the_fadt_and_every_table_fits_before_the_next() {
        let all = tables(8);
        let x = &all[1].1;
        let listed: Vec<u64> = x[HEADER..]
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(listed, [layout::MADT, layout::FADT]);
        let ends: Vec<u64> = all.iter().map(|(at, t)| at + t.len() as u64).collect();
        assert!(ends[0] <= layout::XSDT && ends[1] <= layout::MADT && ends[2] <= layout::FADT);
        assert!(ends[3] <= layout::GDT);
    }

    #[test]
    fn the_madt_has_an_enabled_local_apic_per_vcpu_the_ioapic_and_the_irq0_override() {
        let m = madt(2);
        assert_eq!(&m[..4], b"APIC");
        assert_eq!(u32_at(&m, 36), 0xfee0_0000);
        let mut entries = Vec::new();
        let mut at = 44;
        while at < m.len() {
            entries.push(m[at..at + usize::from(m[at + 1])].to_vec());
            at += usize::from(m[at + 1]);
        }
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0], [0, 8, 0, 0, 1, 0, 0, 0]);
        assert_eq!(entries[1], [0, 8, 1, 1, 1, 0, 0, 0]);
        assert_eq!(entries[2][..4], [1, 12, IOAPIC_ID, 0]);
        assert_eq!(u32_at(&entries[2], 4), 0xfec0_0000);
        assert_eq!(u32_at(&entries[2], 8), 0, "GSI base");
        assert_eq!(entries[3][..4], [2, 10, 0, 0]);
        assert_eq!(u32_at(&entries[3], 4), 2, "IRQ 0 is GSI 2");
    }

    #[test]
    fn the_fadt_names_a_32_bit_pm_timer_and_the_pm1a_control_block_and_no_dsdt() {
        let f = fadt();
        assert_eq!(f.len(), 276);
        assert_eq!(&f[..4], b"FACP");
        assert_eq!(u32_at(&f, 40), 0, "no DSDT");
        assert_eq!(u32_at(&f, 64), u32::from(ports::PM1A_CNT));
        assert_eq!(u32_at(&f, 76), u32::from(ports::PM_TMR));
        assert_eq!(f[91], 4, "PM_TMR_LEN");
        assert_eq!(u32_at(&f, 112) >> 8 & 1, 1, "TMR_VAL_EXT");
        assert_eq!(u32_at(&f, 112) >> 20 & 1, 0, "not hardware-reduced");
        assert_eq!(
            u64::from_le_bytes(f[212..220].try_into().unwrap()),
            u64::from(ports::PM_TMR)
        );
    }
}
