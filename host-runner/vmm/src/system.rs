//! What `/init` has to do for itself: mount devtmpfs (Debian's kernel does not, so there is no
//! `/dev/kvm` until we do) and power the machine off at the end (QEMU, started with
//! `-no-reboot`, then exits).

use std::ffi::CStr;
use std::io;

/// Mounts devtmpfs on `/dev`, unless something is mounted there already.
pub fn mount_devtmpfs() -> io::Result<()> {
    if std::path::Path::new("/dev/kvm").exists() {
        return Ok(());
    }
    let _ = std::fs::create_dir_all("/dev");
    let source: &CStr = c"devtmpfs";
    let target: &CStr = c"/dev";
    // SAFETY: every pointer is a NUL-terminated string that outlives the call; `data` may be
    // null.
    let ret = unsafe {
        libc::mount(
            source.as_ptr(),
            target.as_ptr(),
            source.as_ptr(),
            0,
            std::ptr::null(),
        )
    };
    if ret == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The kernel command line, from `/proc/cmdline` (procfs mounted first when the initramfs has
/// none mounted yet).
pub fn kernel_cmdline() -> Result<String, String> {
    std::fs::read_to_string("/proc/cmdline")
        .or_else(|_| {
            let _ = std::fs::create_dir_all("/proc");
            mount_proc()?;
            std::fs::read_to_string("/proc/cmdline")
        })
        .map_err(|e| format!("reading /proc/cmdline: {e}"))
}

/// Mounts procfs on `/proc` (an initramfs has none until someone does).
fn mount_proc() -> io::Result<()> {
    let name = c"proc";
    let target = c"/proc";
    // SAFETY: every pointer is a NUL-terminated string that outlives the call; `data` may be
    // null.
    let ret = unsafe {
        libc::mount(
            name.as_ptr(),
            target.as_ptr(),
            name.as_ptr(),
            0,
            std::ptr::null(),
        )
    };
    if ret == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Flushes the filesystems and powers the machine off; returns only when that failed (as a
/// process other than init, or without CAP_SYS_BOOT).
pub fn power_off() -> io::Error {
    // SAFETY: sync takes no arguments and cannot fail.
    unsafe { libc::sync() };
    // SAFETY: reboot with RB_POWER_OFF has no memory arguments; it returns only on failure.
    unsafe { libc::reboot(libc::RB_POWER_OFF) };
    io::Error::last_os_error()
}

/// `Linux <release> <version>` of the running kernel (`uname(2)`), printed once at start as
/// `irqsuite-vmm: kernel ...` for the runner's provenance.
pub fn kernel_version() -> String {
    // SAFETY: utsname is plain old data (arrays of c_char); all zeroes is a valid value.
    let mut uts: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: uname writes only into the struct we pass, which lives across the call.
    if unsafe { libc::uname(&mut uts) } != 0 {
        return format!("unknown ({})", io::Error::last_os_error());
    }
    let field = |f: &[libc::c_char]| {
        let bytes: Vec<u8> = f
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c.to_ne_bytes()[0])
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    format!(
        "{} {} {}",
        field(&uts.sysname),
        field(&uts.release),
        field(&uts.version)
    )
}
