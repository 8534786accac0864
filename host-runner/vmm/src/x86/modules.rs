//! KVM for x86 is modular in Debian's amd64 kernel: `/init` loads it from the initramfs's
//! `/modules/` before opening `/dev/kvm`, with `finit_module(2)` (there is no kmod), in the
//! order `/modules/order` lists them (one name a line), which the host worked out from each
//! .ko's `.modinfo` `depends=` (Debian's 6.1: irqbypass, kvm, ccp, kvm-amd). No order file: KVM
//! is built in. A module that is built in or already loaded (`EEXIST`) is fine. Parameters go
//! in finit_module's string (the kernel command line's are not applied to modules loaded by
//! hand): none are needed.

use std::fs::File;
use std::os::fd::AsRawFd;

/// Where the initramfs holds them.
pub const DIR: &str = "/modules";

/// The names `order` lists, one a line.
pub fn order(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Loads every module `/modules/order` lists, in order.
pub fn load() -> Result<(), String> {
    let text = std::fs::read_to_string(format!("{DIR}/order")).unwrap_or_default();
    for name in order(&text) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_file_lists_a_name_a_line_and_blank_lines_are_nothing() {
        assert_eq!(
            order("irqbypass\nkvm\n\nkvm-amd\n"),
            ["irqbypass", "kvm", "kvm-amd"]
        );
        assert!(order("").is_empty(), "KVM built in: nothing to load");
    }
}
