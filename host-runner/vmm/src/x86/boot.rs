//! The state a PVH entry expects (Xen `docs/misc/pvh.pandoc`, "x86/HVM direct boot ABI"): 32-bit
//! protected mode with paging off (CR0.PE, no PG), CS a 32-bit flat read/execute segment,
//! DS/ES/SS flat read/write data segments, TR a 32-bit TSS with base 0 and limit 0x67 (any
//! base does), EFLAGS with IF and VM clear, and `ebx` the start info's address. The segments
//! are described twice: in a GDT in guest memory (so a reload of a selector finds the same
//! descriptor) and in the vCPU's hidden segment state (KVM_SET_SREGS), both from
//! [`DESCRIPTORS`] (SDM vol. 3 §3.4.5, "Segment Descriptors").

/// A segment as the descriptor table and the vCPU's segment registers both hold it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Its selector (index × 8, GDT, RPL 0).
    pub selector: u16,
    /// Base address.
    pub base: u32,
    /// Limit in bytes (already scaled by the granularity).
    pub limit: u32,
    /// The type field (bits 43:40 of the descriptor).
    pub kind: u8,
    /// S: a code or data segment (not a system one).
    pub code_or_data: bool,
    /// D/B: 32-bit.
    pub big: bool,
    /// G: the limit counts 4 KiB pages.
    pub granular: bool,
}

/// Execute/read, accessed.
const CODE: u8 = 0xb;
/// Read/write, accessed.
const DATA: u8 = 0x3;
/// 32-bit TSS, busy.
const TSS_BUSY: u8 = 0xb;

/// The flat code segment (selector 0x08).
pub const CODE32: Segment = Segment {
    selector: 0x08,
    base: 0,
    limit: 0xffff_ffff,
    kind: CODE,
    code_or_data: true,
    big: true,
    granular: true,
};
/// The flat data segment (selector 0x10).
pub const DATA32: Segment = Segment {
    selector: 0x10,
    kind: DATA,
    ..CODE32
};
/// The TSS (selector 0x18) at [`super::layout::TSS`].
pub const TSS32: Segment = Segment {
    selector: 0x18,
    base: super::layout::TSS as u32,
    limit: 0x67,
    kind: TSS_BUSY,
    code_or_data: false,
    big: false,
    granular: false,
};
/// The GDT's descriptors after the null one, in selector order.
pub const DESCRIPTORS: [Segment; 3] = [CODE32, DATA32, TSS32];

impl Segment {
    /// The 8-byte descriptor (SDM vol. 3 Figure 3-8): present, DPL 0.
    pub fn descriptor(self) -> u64 {
        let limit = if self.granular {
            self.limit >> 12
        } else {
            self.limit
        };
        let (base, limit) = (u64::from(self.base), u64::from(limit));
        let access = u64::from(self.kind) | u64::from(self.code_or_data) << 4 | 1 << 7;
        let flags = u64::from(self.big) << 2 | u64::from(self.granular) << 3;
        (limit & 0xffff)
            | (base & 0xff_ffff) << 16
            | access << 40
            | (limit >> 16 & 0xf) << 48
            | flags << 52
            | (base >> 24) << 56
    }
}

/// The GDT's bytes: the null descriptor then [`DESCRIPTORS`].
pub fn gdt() -> Vec<u8> {
    std::iter::once(0u64)
        .chain(DESCRIPTORS.iter().map(|s| s.descriptor()))
        .flat_map(u64::to_le_bytes)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_descriptors_are_the_classic_values_and_selectors_index_the_gdt() {
        assert_eq!(CODE32.descriptor(), 0x00cf_9b00_0000_ffff);
        assert_eq!(DATA32.descriptor(), 0x00cf_9300_0000_ffff);
        let gdt = gdt();
        assert_eq!(gdt.len(), 32);
        for s in DESCRIPTORS {
            let at = usize::from(s.selector);
            assert_eq!(gdt[at..at + 8], s.descriptor().to_le_bytes());
        }
    }

    #[test]
    fn the_tss_descriptor_is_a_present_busy_32_bit_tss_at_its_base() {
        let d = TSS32.descriptor();
        assert_eq!(d >> 40 & 0xff, 0x8b, "present, DPL 0, system, busy TSS");
        assert_eq!(d & 0xffff, 0x67);
        let base = (d >> 16 & 0xff_ffff) | (d >> 56) << 24;
        assert_eq!(base, super::super::layout::TSS);
    }
}
