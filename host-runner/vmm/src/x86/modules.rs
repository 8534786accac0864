//! KVM for x86 is modular in Debian's amd64 kernel: `/init` loads it from the initramfs's
//! `/modules/` before opening `/dev/kvm`, with `finit_module(2)` (there is no kmod), in the
//! order of their dependencies (each .ko's `.modinfo` `depends=`): irqbypass, kvm, ccp (the
//! AMD secure processor, which kvm-amd links against for SEV), kvm-amd. A module that is built
//! in or already loaded (`EEXIST`) is fine. Parameters go in finit_module's string (the kernel
//! command line's are not applied to modules loaded by hand): none are needed.

use std::fs::File;
use std::os::fd::AsRawFd;

/// The modules, in load order.
pub const ORDER: [&str; 4] = ["irqbypass", "kvm", "ccp", "kvm-amd"];
/// Where the initramfs holds them.
pub const DIR: &str = "/modules";

/// Loads every module of [`ORDER`].
pub fn load() -> Result<(), String> {
    for name in ORDER {
        let path = format!("{DIR}/{name}.ko");
        let file = File::open(&path).map_err(|e| format!("{path}: {e}"))?;
        let params = c"";
        // SAFETY: finit_module reads the open file and the NUL-terminated parameter string,
        // both alive for the call; it writes no memory of ours.
        let ret =
            unsafe { libc::syscall(libc::SYS_finit_module, file.as_raw_fd(), params.as_ptr(), 0) };
        if ret != 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::EEXIST) {
                return Err(format!("finit_module {path}: {e}"));
            }
        }
    }
    Ok(())
}
