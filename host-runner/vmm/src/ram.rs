//! Guest RAM: one anonymous mapping registered as memory slot 0, and the loader's writes into
//! it (the Image, the device tree).

use kvm_bindings::kvm_userspace_memory_region;
use kvm_ioctls::VmFd;

use crate::layout::Region;

/// The mapping behind the guest's RAM. Never unmapped: the VM lives until the machine powers
/// off.
pub struct GuestRam {
    region: Region,
    host: *mut u8,
}

impl GuestRam {
    /// Maps `region.size` bytes and gives them to `vm` at `region.base`.
    pub fn new(vm: &VmFd, region: Region) -> Result<GuestRam, String> {
        let len = region.size as usize;
        // SAFETY: an anonymous private mapping at an address of the kernel's choosing touches
        // no existing memory.
        let host = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if host == libc::MAP_FAILED {
            return Err(format!(
                "mmap of {len:#x} bytes of guest RAM: {}",
                std::io::Error::last_os_error()
            ));
        }
        let slot = kvm_userspace_memory_region {
            slot: 0,
            flags: 0,
            guest_phys_addr: region.base,
            memory_size: region.size,
            userspace_addr: host as u64,
        };
        // SAFETY: the mapping is `region.size` bytes, readable and writable, and is never
        // unmapped, so the guest's memory stays valid for the VM's whole life.
        unsafe { vm.set_user_memory_region(slot) }
            .map_err(|e| format!("KVM_SET_USER_MEMORY_REGION: {e}"))?;
        Ok(GuestRam {
            region,
            host: host.cast(),
        })
    }

    /// Copies `bytes` to guest-physical `gpa`.
    pub fn write(&self, gpa: u64, bytes: &[u8]) -> Result<(), String> {
        let fits = gpa >= self.region.base
            && (gpa - self.region.base)
                .checked_add(bytes.len() as u64)
                .is_some_and(|end| end <= self.region.size);
        if !fits {
            return Err(format!(
                "{:#x} bytes at {gpa:#x} do not fit in RAM {:#x}+{:#x}",
                bytes.len(),
                self.region.base,
                self.region.size
            ));
        }
        let offset = (gpa - self.region.base) as usize;
        // SAFETY: the range was checked to lie inside the mapping; no vCPU runs yet while the
        // loader writes, so nothing else accesses it.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.host.add(offset), bytes.len())
        };
        Ok(())
    }
}
