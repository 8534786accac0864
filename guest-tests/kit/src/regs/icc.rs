//! GICv3 CPU interface system register fields (IHI 0069H §12.2).

bitflags::bitflags! {
    /// ICC_CTLR_EL1 (IHI 0069H §12.2.6): the fields a case writes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Ctlr: u64 {
        /// EOImode: ICC_EOIR1_EL1 only drops priority; ICC_DIR_EL1 deactivates.
        const EOI_MODE = 1 << 1;
    }
}

/// ICC_CTLR_EL1.PRIbits, bits [10:8]: implemented priority bits minus one.
pub const fn ctlr_pri_bits(ctlr: u64) -> u8 {
    ((ctlr >> 8) & 0x7) as u8 + 1
}

/// ICC_SGI1R_EL1 (IHI 0069H §12.2.22): an SGI to the PEs in `target_list` of cluster
/// Aff3.Aff2.Aff1 = 0.0.0.
pub const fn sgi1r_to_list(sgi: u32, target_list: u16) -> u64 {
    ((sgi as u64 & 0xf) << 24) | target_list as u64
}

/// ICC_SGI1R_EL1 with IRM = 1: an SGI to every PE but the sender (IHI 0069H §12.2.22).
pub const fn sgi1r_to_all_but_self(sgi: u32) -> u64 {
    ((sgi as u64 & 0xf) << 24) | (1 << 40)
}
