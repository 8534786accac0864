//! The device tree Xen boots with, per boot: QEMU's own DTB for the same machine
//! (`-machine ...,dumpdtb=FILE`), decompiled with `dtc`, the `/chosen` additions of
//! [`super::chosen`] appended, and compiled again.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::chosen::{self, Domain};

/// Runs `cmd`; a failure is an error carrying its stderr.
fn run(cmd: &mut Command) -> io::Result<Vec<u8>> {
    let out = cmd.output()?;
    if out.status.success() {
        return Ok(out.stdout);
    }
    Err(io::Error::other(format!(
        "{cmd:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    )))
}

/// Writes `dir/xen.dtb` for the machine `board` starts (QEMU with the options that shape the
/// board: `-machine`, CPUs, memory, and no `-dtb`) booting `domain`, and returns its path.
pub fn build(mut board: Command, domain: &Domain<'_>, dir: &Path) -> io::Result<PathBuf> {
    let dumped = dir.join("qemu.dtb");
    let mut dump = std::ffi::OsString::from("dumpdtb=");
    dump.push(&dumped);
    // QEMU appends a second -machine's options to the first.
    run(board.arg("-machine").arg(dump))?;
    let source = run(Command::new("dtc")
        .args(["-q", "-I", "dtb", "-O", "dts"])
        .arg(&dumped))?;
    let mut source = String::from_utf8(source).map_err(io::Error::other)?;
    source.push_str(&chosen::overlay(domain));
    let dts = dir.join("xen.dts");
    std::fs::write(&dts, source)?;
    let dtb = dir.join("xen.dtb");
    run(Command::new("dtc")
        .args(["-q", "-I", "dts", "-O", "dtb", "-o"])
        .arg(&dtb)
        .arg(&dts))?;
    Ok(dtb)
}
