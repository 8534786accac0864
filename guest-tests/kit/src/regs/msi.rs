//! The MSI compatibility format on x86 (Intel SDM vol. 3 §11.11): address 0xFEEx_xxxx with the
//! destination, redirection hint and destination mode; data with the vector, delivery mode and
//! trigger.

/// An MSI address (§11.11.1, figure 11-24).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsiAddress(pub u32);

impl MsiAddress {
    /// Bit 3: redirection hint (with DM = 1: lowest priority among the destinations).
    pub const REDIRECTION_HINT: u32 = 1 << 3;
    /// Bit 2: destination mode logical.
    pub const LOGICAL: u32 = 1 << 2;

    /// Physical destination APIC ID `dest` (bits 19:12), RH = DM = 0.
    pub const fn physical(dest: u8) -> MsiAddress {
        MsiAddress(0xfee0_0000 | (dest as u32) << 12)
    }
    /// Logical destination `mda` (matched against LDR/DFR), RH = 0.
    pub const fn logical(mda: u8) -> MsiAddress {
        MsiAddress(Self::physical(mda).0 | Self::LOGICAL)
    }
    /// Logical destination `mda` with the redirection hint set.
    pub const fn logical_hinted(mda: u8) -> MsiAddress {
        MsiAddress(Self::logical(mda).0 | Self::REDIRECTION_HINT)
    }
}

/// MSI data (§11.11.2, figure 11-25).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsiData(pub u32);

impl MsiData {
    /// Fixed, edge-triggered `vector`.
    pub const fn fixed(vector: crate::Vector) -> MsiData {
        MsiData(vector.raw() as u32)
    }
    /// Lowest-priority (delivery mode 001), edge-triggered `vector`.
    pub const fn lowest_priority(vector: crate::Vector) -> MsiData {
        MsiData(vector.raw() as u32 | 0b001 << 8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_format_fields() {
        assert_eq!(MsiAddress::physical(1).0, 0xfee0_1000);
        assert_eq!(MsiAddress::logical_hinted(3).0, 0xfee0_300c);
        assert_eq!(MsiData::lowest_priority(crate::Vector::new(0x64)).0, 0x164);
    }
}
