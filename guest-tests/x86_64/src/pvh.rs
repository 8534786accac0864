//! The PVH start info (Xen `include/public/arch-x86/hvm/start_info.h`, `struct
//! hvm_start_info`), at the physical address in `ebx` at entry: the command line and the
//! ACPI RSDP. QEMU's PVH option ROM fills in the same structure for `-kernel`.

use crate::phys;

/// `hvm_start_info.magic`.
const MAGIC: u32 = 0x336e_c578;
/// Offsets in `hvm_start_info`.
const CMDLINE_PADDR: u64 = 0x18;
const RSDP_PADDR: u64 = 0x20;
/// The longest command line read.
const MAX_CMDLINE: usize = 1024;

/// What the loader handed over.
#[derive(Clone, Copy, Debug)]
pub struct StartInfo {
    /// The kernel command line (`-append`, or the domain's `cmdline`); empty when absent.
    pub cmdline: &'static str,
    /// The RSDP's physical address (0: not given).
    pub rsdp: u64,
}

/// Reads the start info at `paddr`; `Err` when the magic does not match.
///
/// # Safety
/// `paddr` is the value of `ebx` at the PVH entry: the loader's start info, identity mapped and
/// never written by the guest, as is the command line it points to.
pub unsafe fn read(paddr: u64) -> Result<StartInfo, &'static str> {
    // SAFETY: per this function's contract.
    let magic = unsafe { phys::read_u32(paddr) };
    if magic != MAGIC {
        return Err("no PVH start info (bad magic in ebx): not started through the PVH entry");
    }
    // SAFETY: per this function's contract; the fields are inside the structure.
    let (cmdline_paddr, rsdp) = unsafe {
        (
            phys::read_u64(paddr + CMDLINE_PADDR),
            phys::read_u64(paddr + RSDP_PADDR),
        )
    };
    let cmdline = if cmdline_paddr == 0 {
        ""
    } else {
        // SAFETY: the loader's NUL-terminated command line (per the contract), read up to the NUL
        // or MAX_CMDLINE bytes.
        unsafe { phys::c_str(cmdline_paddr, MAX_CMDLINE) }
    };
    Ok(StartInfo { cmdline, rsdp })
}
