//! Reading records back from console lines. Anything that does not check out is an error with a
//! reason, never a guess.

use core::fmt;

use super::{MAX_RECORD, Record, SENTINEL, crc16};
use crate::{Arch, GicVersion, Observation, Site, TargetInfo, Vector, Width, X86Info};

/// Why a line that carries the sentinel is not a valid record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Longer than [`MAX_RECORD`] bytes.
    Overlong,
    /// No ` #xxxx` checksum at the end: the line was cut.
    Truncated,
    /// The checksum does not match: the line was damaged.
    BadChecksum,
    /// The checksum matches but the body is not a record this decoder knows.
    Malformed(&'static str),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Overlong => write!(f, "record longer than {MAX_RECORD} bytes"),
            DecodeError::Truncated => f.write_str("record cut short (no checksum)"),
            DecodeError::BadChecksum => f.write_str("checksum mismatch"),
            DecodeError::Malformed(why) => write!(f, "malformed record: {why}"),
        }
    }
}

/// Decodes one console line: `Ok(None)` when it carries no record (ordinary console text),
/// `Ok(Some((seq, record)))` for a valid record, an error for a damaged one.
pub fn decode_line(line: &str) -> Result<Option<(u32, Record<'_>)>, DecodeError> {
    let Some(at) = line.find(SENTINEL) else {
        return Ok(None);
    };
    let rec = line[at..].trim_end_matches(['\r', '\n']);
    if rec.len() > MAX_RECORD {
        return Err(DecodeError::Overlong);
    }
    let rec = &rec[SENTINEL.len()..];
    let (payload, crc) = rec.rsplit_once(" #").ok_or(DecodeError::Truncated)?;
    // Four hex digits, nothing else: `from_str_radix` alone would also take a sign (`+b72`).
    if crc.len() != 4 || !crc.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(DecodeError::Truncated);
    }
    let crc = u16::from_str_radix(crc, 16).map_err(|_| DecodeError::Truncated)?;
    if crc16(payload.as_bytes()) != crc {
        return Err(DecodeError::BadChecksum);
    }
    let (seq, body) = payload
        .split_once(' ')
        .ok_or(DecodeError::Malformed("no body"))?;
    let seq = seq
        .parse()
        .map_err(|_| DecodeError::Malformed("sequence number"))?;
    Ok(Some((seq, parse_body(body)?)))
}

fn parse_body(body: &str) -> Result<Record<'_>, DecodeError> {
    let (kind, rest) = body.split_once(' ').unwrap_or((body, ""));
    let mut f = Fields(rest.split(' '));
    let record = match kind {
        "cfg" => Record::Config(parse_config(rest)?),
        "case" => Record::CaseStart {
            index: f.dec("case index")?,
            id: f.word("case id")?,
        },
        "rd" => Record::Obs(Observation::Read {
            site: f.site()?,
            width: f.width()?,
            value: f.hex("read value")?,
        }),
        "flt" => Record::Obs(Observation::Fault {
            site: f.site()?,
            width: f.width()?,
            esr: f.hex("esr")?,
            far: f.hex("far")?,
        }),
        "imp" => Record::Obs(Observation::ImplDefined {
            label: f.word("label")?,
            value: f.hex("value")?,
        }),
        "chk" => Record::Obs(Observation::Check {
            label: f.word("label")?,
            got: f.hex("got")?,
            expected: f.hex("expected")?,
        }),
        "cpu" => Record::Obs(Observation::Cpu { cpu: f.dec("cpu")? }),
        "offline" => Record::Obs(Observation::CpuOffline { cpu: f.dec("cpu")? }),
        "exc" => Record::Obs(Observation::Exception {
            esr: f.hex("esr")?,
            far: f.hex("far")?,
            elr: f.hex("elr")?,
        }),
        "xflt" => Record::Obs(Observation::X86Fault {
            site: f.site()?,
            width: f.width()?,
            vector: f.vector()?,
            error_code: f.hex32("error code")?,
        }),
        "vec" => Record::Obs(Observation::Vector(
            f.word("vector")?
                .strip_prefix("0x")
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .map(Vector::new)
                .ok_or(DecodeError::Malformed("vector"))?,
        )),
        "novec" if rest.is_empty() => return Ok(Record::Obs(Observation::NoVector)),
        "xexc" => Record::Obs(Observation::X86Exception {
            vector: f.vector()?,
            error_code: f.hex32("error code")?,
            rip: f.hex("rip")?,
        }),
        "skip" => return Ok(Record::Skip { reason: rest }),
        "log" => return Ok(Record::Log(rest)),
        "req" => {
            let id = f.dec("request id")?;
            let request = match f.word("request kind")? {
                "line" => crate::inject::Inject::Line {
                    intid: f.dec("line intid")?,
                    high: f.dec::<u8>("line level")? != 0,
                },
                "msi" => crate::inject::Inject::Msi {
                    device: f.dec("msi device")?,
                    event: f.dec("msi event")?,
                },
                "xmsi" => crate::inject::Inject::X86Msi {
                    address: f.hex32("xmsi address")?,
                    data: f.hex32("xmsi data")?,
                    source_id: u16::try_from(f.hex32("xmsi source-id")?)
                        .map_err(|_| DecodeError::Malformed("xmsi source-id"))?,
                },
                _ => return Err(DecodeError::Malformed("request kind")),
            };
            Record::Request { id, request }
        }
        "end" => Record::CaseEnd {
            index: f.dec("end index")?,
        },
        "done" => Record::Done {
            cases: f.dec("done count")?,
        },
        _ => return Err(DecodeError::Malformed("unknown record kind")),
    };
    if kind != "cfg" && f.0.next().is_some() {
        return Err(DecodeError::Malformed("trailing fields"));
    }
    Ok(record)
}

struct Fields<'a>(core::str::Split<'a, char>);

impl<'a> Fields<'a> {
    fn word(&mut self, what: &'static str) -> Result<&'a str, DecodeError> {
        self.0
            .next()
            .filter(|w| !w.is_empty())
            .ok_or(DecodeError::Malformed(what))
    }
    fn hex(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        u64::from_str_radix(self.word(what)?, 16).map_err(|_| DecodeError::Malformed(what))
    }
    fn dec<T: core::str::FromStr>(&mut self, what: &'static str) -> Result<T, DecodeError> {
        self.word(what)?
            .parse()
            .map_err(|_| DecodeError::Malformed(what))
    }
    fn hex32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        u32::from_str_radix(self.word(what)?, 16).map_err(|_| DecodeError::Malformed(what))
    }
    fn vector(&mut self) -> Result<Vector, DecodeError> {
        let raw = u8::from_str_radix(self.word("vector")?, 16)
            .map_err(|_| DecodeError::Malformed("vector"))?;
        Ok(Vector::new(raw))
    }
    fn site(&mut self) -> Result<Site, DecodeError> {
        Site::parse(self.word("site")?).ok_or(DecodeError::Malformed("site"))
    }
    fn width(&mut self) -> Result<Width, DecodeError> {
        let bytes = self.dec("width")?;
        Width::from_bytes(bytes).ok_or(DecodeError::Malformed("width"))
    }
}

fn parse_config(rest: &str) -> Result<TargetInfo, DecodeError> {
    let mut t = TargetInfo {
        arch: Arch::Aarch64,
        gic: GicVersion::V2,
        cpus: 0,
        it_lines: 0,
        pri_bits: 0,
        its: false,
        arena: 0,
        lpi_clearable: false,
        inject: crate::inject::Injection::empty(),
        x86: X86Info::NONE,
    };
    let bad = DecodeError::Malformed;
    for kv in rest.split(' ') {
        let (k, v) = kv.split_once('=').ok_or(bad("cfg field"))?;
        let num = |what| v.parse::<u8>().map_err(|_| bad(what));
        match k {
            "arch" => {
                t.arch = match v {
                    "aarch64" => Arch::Aarch64,
                    "x86_64" => Arch::X86_64,
                    _ => return Err(bad("cfg arch")),
                }
            }
            "gic" => {
                t.gic = match v {
                    "v2" => GicVersion::V2,
                    "v3" => GicVersion::V3,
                    "v4" => GicVersion::V4,
                    _ => return Err(bad("cfg gic")),
                }
            }
            "cpus" => t.cpus = num("cfg cpus")?,
            "lines" => t.it_lines = num("cfg lines")?,
            "pri" => t.pri_bits = num("cfg pri")?,
            "its" => t.its = num("cfg its")? != 0,
            "ces" => t.lpi_clearable = num("cfg ces")? != 0,
            "pins" => t.x86.ioapic_pins = num("cfg pins")?,
            "x2apic" => t.x86.x2apic = num("cfg x2apic")? != 0,
            "iommu" => t.x86.iommu = num("cfg iommu")? != 0,
            "tscdl" => t.x86.tsc_deadline = num("cfg tscdl")? != 0,
            "inject" => {
                let bits = u8::from_str_radix(v, 16).map_err(|_| bad("cfg inject"))?;
                t.inject = crate::inject::Injection::from_bits_truncate(bits);
            }
            "arena" => {
                let hex = v.strip_prefix("0x").unwrap_or(v);
                t.arena = u64::from_str_radix(hex, 16).map_err(|_| bad("cfg arena"))?;
            }
            // Unknown keys are tolerated: a newer guest may report more.
            _ => {}
        }
    }
    if t.cpus == 0 {
        return Err(bad("cfg lacks cpus"));
    }
    // The GIC's priority bits are mandatory on Arm; an x86 cfg has no GIC fields.
    if t.arch == Arch::Aarch64 && t.pri_bits == 0 {
        return Err(bad("cfg lacks pri"));
    }
    Ok(t)
}
