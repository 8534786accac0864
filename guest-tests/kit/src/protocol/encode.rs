//! Writing records into a fixed line buffer (no allocation: this runs in the guest).

use core::fmt::{self, Write};

use super::{MAX_RECORD, Record, SENTINEL, crc16};
use crate::{Arch, Observation};

/// A line of at most [`MAX_RECORD`] bytes.
pub struct LineBuf {
    buf: [u8; MAX_RECORD],
    len: usize,
}

impl Default for LineBuf {
    fn default() -> Self {
        LineBuf {
            buf: [0; MAX_RECORD],
            len: 0,
        }
    }
}

impl LineBuf {
    /// The text written so far.
    pub fn as_str(&self) -> &str {
        // The buffer only ever receives whole `&str`s (see `write_str`).
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl Write for LineBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Free text is cut to this many bytes so that a record always fits.
const MAX_TEXT: usize = 64;

/// Encodes `record` with sequence number `seq` into `out` (cleared first) and returns the line,
/// without a newline. Free text (skip reasons, logs) is cut to fit; spaces in labels become `_`.
pub fn encode<'b>(
    seq: u32,
    record: &Record<'_>,
    out: &'b mut LineBuf,
) -> Result<&'b str, fmt::Error> {
    out.len = 0;
    out.write_str(SENTINEL)?;
    let start = out.len;
    write!(out, "{seq} ")?;
    body(record, out)?;
    let crc = crc16(&out.buf[start..out.len]);
    write!(out, " #{crc:04x}")?;
    Ok(out.as_str())
}

fn body(record: &Record<'_>, out: &mut LineBuf) -> fmt::Result {
    match *record {
        Record::Config(t) if t.arch == Arch::X86_64 => write!(
            out,
            "cfg arch=x86_64 cpus={} pins={} x2apic={} iommu={} tscdl={} arena={:#x} inject={:x}",
            t.cpus,
            t.x86.ioapic_pins,
            t.x86.x2apic as u8,
            t.x86.iommu as u8,
            t.x86.tsc_deadline as u8,
            t.arena,
            t.inject.bits()
        ),
        Record::Config(t) => {
            let arch = t.arch.wire();
            write!(
                out,
                "cfg arch={arch} gic={} cpus={} lines={} pri={} its={} ces={} arena={:#x} inject={:x}",
                t.gic,
                t.cpus,
                t.it_lines,
                t.pri_bits,
                t.its as u8,
                t.lpi_clearable as u8,
                t.arena,
                t.inject.bits()
            )
        }
        Record::CaseStart { index, id } => {
            write!(out, "case {index} ")?;
            token(id, out)
        }
        Record::Obs(obs) => observation(&obs, out),
        Record::Skip { reason } => {
            out.write_str("skip ")?;
            text(reason, out)
        }
        Record::CaseEnd { index } => write!(out, "end {index}"),
        Record::Done { cases } => write!(out, "done {cases}"),
        Record::Request { id, request } => write!(out, "req {id} {request}"),
        Record::Log(s) => {
            out.write_str("log ")?;
            text(s, out)
        }
    }
}

fn observation(obs: &Observation<'_>, out: &mut LineBuf) -> fmt::Result {
    match *obs {
        Observation::Read { site, width, value } => {
            write!(out, "rd {site} {} {value:x}", width.bytes())
        }
        Observation::Fault {
            site,
            width,
            esr,
            far,
        } => {
            write!(out, "flt {site} {} {esr:x} {far:x}", width.bytes())
        }
        Observation::ImplDefined { label, value } => {
            out.write_str("imp ")?;
            token(label, out)?;
            write!(out, " {value:x}")
        }
        Observation::Check {
            label,
            got,
            expected,
        } => {
            out.write_str("chk ")?;
            token(label, out)?;
            write!(out, " {got:x} {expected:x}")
        }
        Observation::Exception { esr, far, elr } => write!(out, "exc {esr:x} {far:x} {elr:x}"),
        Observation::X86Fault {
            site,
            width,
            vector,
            error_code,
        } => write!(
            out,
            "xflt {site} {} {:x} {error_code:x}",
            width.bytes(),
            vector.raw()
        ),
        Observation::Vector(vector) => write!(out, "vec {vector}"),
        Observation::NoVector => out.write_str("novec"),
        Observation::X86Exception {
            vector,
            error_code,
            rip,
        } => write!(out, "xexc {:x} {error_code:x} {rip:x}", vector.raw()),
        Observation::Cpu { cpu } => write!(out, "cpu {cpu}"),
        Observation::CpuOffline { cpu } => write!(out, "offline {cpu}"),
    }
}

/// The longest label or case id a record carries whole; a longer one is cut (so every record
/// stays within [`super::MAX_RECORD`]).
pub const MAX_TOKEN: usize = 40;

/// A label or id: at most [`MAX_TOKEN`] bytes (cut on a character boundary), whitespace and `#`
/// replaced so the record stays tokenizable; an empty one is written `_` (a record needs the
/// token to be read back).
fn token(s: &str, out: &mut LineBuf) -> fmt::Result {
    if s.is_empty() {
        return out.write_char('_');
    }
    let tokenizable = s.chars().map(|c| match c.is_whitespace() || c == '#' {
        true => '_',
        false => c,
    });
    write_cut(tokenizable, MAX_TOKEN, out)
}

/// Writes `chars` up to `limit` bytes, stopping before a character that would cross it.
fn write_cut(chars: impl Iterator<Item = char>, limit: usize, out: &mut LineBuf) -> fmt::Result {
    let mut used = 0;
    for c in chars {
        used += c.len_utf8();
        if used > limit {
            break;
        }
        out.write_char(c)?;
    }
    Ok(())
}

/// Free text: at most [`MAX_TEXT`] bytes (cut on a character boundary), `#` and control
/// characters replaced (`#` introduces the checksum).
fn text(s: &str, out: &mut LineBuf) -> fmt::Result {
    let printable = s.chars().map(|c| match c == '#' || c.is_control() {
        true => ' ',
        false => c,
    });
    write_cut(printable, MAX_TEXT, out)
}
