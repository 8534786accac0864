//! The console protocol fuzzed with proptest (DESIGN.md, "Reliability"; stable Rust, so no
//! libFuzzer): the decoder takes any line without panicking, every record the guest can send
//! comes back whole, and a damaged or cut record is an error, never a different record.
//!
//! The generated records borrow their text from leaked strings (a few KiB per run), so the
//! strategies can yield plain `Record<'static>` values.

use guest_kit::inject::{Inject, Injection};
use guest_kit::protocol::{
    DecodeError, LineBuf, MAX_RECORD, MAX_TOKEN, Record, SENTINEL, decode_line, encode,
};
use guest_kit::{
    Arch, GicVersion, IccReg, Observation, RdFrame, Site, TargetInfo, TimerReg, Vector, Width,
    X86Info,
};
use proptest::prelude::*;

/// The longest free text (skip reason, log) the encoder carries whole, in bytes.
const MAX_TEXT: usize = 64;

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Mostly printable ASCII, sometimes any Unicode scalar value.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![4 => proptest::char::range('!', '~'), 1 => any::<char>()]
}

/// Chars (up to `max_chars`), cut to at most `max_bytes` bytes.
fn chars_within(
    chars: impl Strategy<Value = char>,
    min_chars: usize,
    max_chars: usize,
    max_bytes: usize,
) -> impl Strategy<Value = &'static str> {
    prop::collection::vec(chars, min_chars..=max_chars).prop_map(move |cs| {
        let mut s = String::new();
        for c in cs {
            if s.len() + c.len_utf8() > max_bytes {
                break;
            }
            s.push(c);
        }
        leak(s)
    })
}

/// A label or case id as the encoder carries it whole: 1 to [`MAX_TOKEN`] bytes, no whitespace,
/// no `#` (the encoder turns those into `_`; an empty token is no token to the decoder).
fn token() -> impl Strategy<Value = &'static str> {
    let c = any_char().prop_filter("token char", |c| !c.is_whitespace() && *c != '#');
    chars_within(c, 1, MAX_TOKEN, MAX_TOKEN).prop_filter("non-empty", |s| !s.is_empty())
}

/// Free text as the encoder carries it whole: at most [`MAX_TEXT`] bytes, spaces allowed, no
/// `#` and no control characters (the encoder turns those into spaces).
fn text() -> impl Strategy<Value = &'static str> {
    let c = prop_oneof![1 => Just(' '), 6 => any_char()]
        .prop_filter("text char", |c| *c != '#' && !c.is_control());
    chars_within(c, 0, MAX_TEXT, MAX_TEXT)
}

fn site() -> impl Strategy<Value = Site> {
    let frame = prop::sample::select(vec![RdFrame::Rd, RdFrame::Sgi]);
    let timer = prop::sample::select(vec![
        TimerReg::Ctl,
        TimerReg::Tval,
        TimerReg::Cval,
        TimerReg::Count,
    ]);
    prop_oneof![
        any::<u32>().prop_map(Site::Gicd),
        (any::<u8>(), frame, any::<u32>()).prop_map(|(cpu, frame, offset)| Site::Gicr {
            cpu,
            frame,
            offset
        }),
        any::<u32>().prop_map(Site::Gicc),
        prop::sample::select(IccReg::ALL.to_vec()).prop_map(Site::Icc),
        timer.prop_map(Site::Timer),
        any::<u32>().prop_map(Site::Gits),
        any::<u32>().prop_map(Site::Lapic),
        any::<u32>().prop_map(Site::Msr),
        any::<u32>().prop_map(Site::Ioapic),
        any::<u32>().prop_map(Site::Dmar),
    ]
}

fn width() -> impl Strategy<Value = Width> {
    prop::sample::select(vec![Width::B8, Width::B16, Width::B32, Width::B64])
}

fn vector() -> impl Strategy<Value = Vector> {
    any::<u8>().prop_map(Vector::new)
}

fn injection() -> impl Strategy<Value = Injection> {
    any::<u8>().prop_map(Injection::from_bits_truncate)
}

/// What an Arm guest reports: at least one CPU and one priority bit, no x86 fields.
fn arm_config() -> impl Strategy<Value = TargetInfo> {
    let gic = prop::sample::select(vec![GicVersion::V2, GicVersion::V3, GicVersion::V4]);
    (
        (gic, 1..=u8::MAX, any::<u8>(), 1..=u8::MAX),
        (any::<bool>(), any::<bool>(), injection(), any::<u64>()),
    )
        .prop_map(
            |((gic, cpus, it_lines, pri_bits), (its, lpi_clearable, inject, arena))| TargetInfo {
                arch: Arch::Aarch64,
                gic,
                cpus,
                it_lines,
                pri_bits,
                its,
                arena,
                lpi_clearable,
                inject,
                x86: X86Info::NONE,
            },
        )
}

/// What an x86 guest reports: at least one CPU, the GIC fields at their x86 values.
fn x86_config() -> impl Strategy<Value = TargetInfo> {
    (
        (1..=u8::MAX, any::<u8>(), any::<bool>(), any::<bool>()),
        (any::<bool>(), injection(), any::<u64>()),
    )
        .prop_map(
            |((cpus, ioapic_pins, x2apic, iommu), (tsc_deadline, inject, arena))| TargetInfo {
                arch: Arch::X86_64,
                gic: GicVersion::V2,
                cpus,
                it_lines: 0,
                pri_bits: 0,
                its: false,
                arena,
                lpi_clearable: false,
                inject,
                x86: X86Info {
                    ioapic_pins,
                    x2apic,
                    iommu,
                    tsc_deadline,
                },
            },
        )
}

fn observation() -> impl Strategy<Value = Observation<'static>> {
    prop_oneof![
        (site(), width(), any::<u64>()).prop_map(|(site, width, value)| Observation::Read {
            site,
            width,
            value
        }),
        (site(), width(), any::<u64>(), any::<u64>()).prop_map(|(site, width, esr, far)| {
            Observation::Fault {
                site,
                width,
                esr,
                far,
            }
        }),
        (token(), any::<u64>())
            .prop_map(|(label, value)| Observation::ImplDefined { label, value }),
        (token(), any::<u64>(), any::<u64>()).prop_map(|(label, got, expected)| {
            Observation::Check {
                label,
                got,
                expected,
            }
        }),
        any::<u8>().prop_map(|cpu| Observation::Cpu { cpu }),
        any::<u8>().prop_map(|cpu| Observation::CpuOffline { cpu }),
        (site(), width(), vector(), any::<u32>()).prop_map(|(site, width, vector, error_code)| {
            Observation::X86Fault {
                site,
                width,
                vector,
                error_code,
            }
        }),
        vector().prop_map(Observation::Vector),
        Just(Observation::NoVector),
        (vector(), any::<u32>(), any::<u64>()).prop_map(|(vector, error_code, rip)| {
            Observation::X86Exception {
                vector,
                error_code,
                rip,
            }
        }),
        (any::<u64>(), any::<u64>(), any::<u64>())
            .prop_map(|(esr, far, elr)| Observation::Exception { esr, far, elr }),
    ]
}

fn request() -> impl Strategy<Value = Inject> {
    prop_oneof![
        (any::<u32>(), any::<bool>()).prop_map(|(intid, high)| Inject::Line { intid, high }),
        (any::<u32>(), any::<u32>()).prop_map(|(device, event)| Inject::Msi { device, event }),
        (any::<u32>(), any::<u32>(), any::<u16>()).prop_map(|(address, data, source_id)| {
            Inject::X86Msi {
                address,
                data,
                source_id,
            }
        }),
    ]
}

/// Any record a guest can send, of every kind.
fn record() -> impl Strategy<Value = Record<'static>> {
    prop_oneof![
        1 => arm_config().prop_map(Record::Config),
        1 => x86_config().prop_map(Record::Config),
        1 => (any::<u16>(), token()).prop_map(|(index, id)| Record::CaseStart { index, id }),
        4 => observation().prop_map(Record::Obs),
        1 => text().prop_map(|reason| Record::Skip { reason }),
        1 => any::<u16>().prop_map(|index| Record::CaseEnd { index }),
        1 => any::<u16>().prop_map(|cases| Record::Done { cases }),
        1 => (any::<u32>(), request()).prop_map(|(id, request)| Record::Request { id, request }),
        1 => text().prop_map(Record::Log),
    ]
}

/// A record and its sequence number, encoded.
fn encoded() -> impl Strategy<Value = (u32, Record<'static>, String)> {
    (any::<u32>(), record()).prop_map(|(seq, record)| {
        let line = encode(seq, &record, &mut LineBuf::default())
            .expect("a record within the protocol's limits fits a line")
            .to_owned();
        (seq, record, line)
    })
}

/// Console text in front of a record on the same line (Xen's `(XEN) DOM1: `), never holding the
/// sentinel itself.
fn console_prefix() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("(XEN) DOM1: ".to_owned()),
        prop::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter),
    ]
    // The sentinel has no period, so a prefix without it cannot form one with the line's start.
    .prop_filter("no sentinel", |p| !p.contains(SENTINEL))
}

/// Lines to throw at the decoder: anything, very long lines, the sentinel followed by garbage,
/// garbage dressed with a checksum, valid records with garbage around them.
fn any_line() -> impl Strategy<Value = String> {
    let chars = |n| prop::collection::vec(any::<char>(), 0..n).prop_map(String::from_iter);
    let hexish = prop::collection::vec(
        prop::sample::select(b"0123456789abcdefABCDEF+-# \r\n".to_vec()),
        0..6,
    )
    .prop_map(|b| String::from_utf8(b).expect("ASCII"));
    prop_oneof![
        chars(200),
        chars(4000),
        any::<String>(),
        chars(200).prop_map(|g| format!("{SENTINEL}{g}")),
        (chars(40), chars(200)).prop_map(|(p, g)| format!("{p}{SENTINEL}{g}")),
        (chars(120), hexish).prop_map(|(g, h)| format!("{SENTINEL}{g} #{h}")),
        (any::<u32>(), chars(120), any::<u16>())
            .prop_map(|(seq, g, crc)| format!("{SENTINEL}{seq} {g} #{crc:04x}")),
        (chars(40), encoded(), chars(40)).prop_map(|(p, (_, _, line), s)| format!("{p}{line}{s}")),
    ]
}

/// Which part of an encoded line a byte is in.
#[derive(Debug, PartialEq)]
enum Part {
    /// `@@irq `: not covered by the checksum; without it the line is console text.
    Sentinel,
    /// `<seq> <body>`: covered by the checksum.
    Payload,
    /// The ` #` before the checksum.
    Separator,
    /// The four hex digits.
    Checksum,
}

fn part(line: &str, at: usize) -> Part {
    let len = line.len();
    if at < SENTINEL.len() {
        Part::Sentinel
    } else if at < len - 6 {
        Part::Payload
    } else if at < len - 4 {
        Part::Separator
    } else {
        Part::Checksum
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn decoding_any_line_never_panics(line in any_line()) {
        let decoded = decode_line(&line);
        // Only a line without the sentinel is console text; with it, it is a record or an error.
        prop_assert_eq!(matches!(decoded, Ok(None)), !line.contains(SENTINEL));
        let record_part = line.find(SENTINEL).map(|at| line[at..].trim_end_matches(['\r', '\n']));
        match decoded {
            Ok(Some(_)) => prop_assert!(record_part.is_some_and(|r| r.len() <= MAX_RECORD)),
            Err(DecodeError::Overlong) => {
                prop_assert!(record_part.is_some_and(|r| r.len() > MAX_RECORD))
            }
            _ => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_record_round_trips_through_encode_and_decode((seq, record, line) in encoded()) {
        prop_assert!(line.len() <= MAX_RECORD, "{} bytes: {line:?}", line.len());
        prop_assert_eq!(decode_line(&line), Ok(Some((seq, record))));
    }

    #[test]
    fn a_record_after_console_text_on_its_line_decodes_the_same(
        prefix in console_prefix(),
        (seq, record, line) in encoded(),
        newline in prop::sample::select(vec!["", "\n", "\r\n", "\r"]),
    ) {
        let console = format!("{prefix}{line}{newline}");
        prop_assert_eq!(decode_line(&console), Ok(Some((seq, record))));
    }

    #[test]
    fn a_single_corrupted_character_is_rejected_or_decodes_to_the_same_record(
        (seq, record, line) in encoded(),
        at in any::<prop::sample::Index>(),
        by in prop_oneof![
            (0u8..0x80),
            prop::sample::select(b"0123456789abcdefABCDEF+- #\r\n@".to_vec()),
        ],
    ) {
        // Same-length damage to an ASCII byte (the line stays UTF-8): sentinel, seq, separators,
        // field names and numbers are all ASCII.
        let ascii: Vec<usize> = line.bytes().enumerate().filter(|(_, b)| b.is_ascii()).map(|(i, _)| i).collect();
        let at = ascii[at.index(ascii.len())];
        prop_assume!(line.as_bytes()[at] != by);
        let mut bytes = line.clone().into_bytes();
        bytes[at] = by;
        let damaged = String::from_utf8(bytes).expect("ASCII for ASCII");
        let decoded = decode_line(&damaged);
        match part(&line, at) {
            // Without its sentinel a line is console text (the host keeps it as evidence).
            Part::Sentinel => {
                prop_assume!(!line[1..].contains(SENTINEL));
                prop_assert_eq!(decoded, Ok(None));
            }
            // CRC-16 detects every error within 16 consecutive bits, so every one-byte change.
            Part::Payload => prop_assert_eq!(decoded, Err(DecodeError::BadChecksum)),
            // The body holds no `#`, so the checksum is not found.
            Part::Separator => prop_assert_eq!(decoded, Err(DecodeError::Truncated)),
            // The checksum's own digits: hex digits are read in either case, so a letter whose
            // case changed is the same checksum; other hex digits are another checksum; anything
            // else is no checksum.
            Part::Checksum => {
                let digits = &damaged[damaged.len() - 4..];
                let expected = if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                    Err(DecodeError::Truncated)
                } else if digits.eq_ignore_ascii_case(&line[line.len() - 4..]) {
                    Ok(Some((seq, record)))
                } else {
                    Err(DecodeError::BadChecksum)
                };
                prop_assert_eq!(decoded, expected, "{:?}", damaged);
            }
        }
    }

    #[test]
    fn truncated_lines_are_errors_never_records((_seq, _record, line) in encoded()) {
        for (cut, _) in line.char_indices().skip(1) {
            let prefix = &line[..cut];
            let expected = if cut < SENTINEL.len() { Ok(None) } else { Err(DecodeError::Truncated) };
            prop_assert_eq!(decode_line(prefix), expected, "{:?}", prefix);
        }
    }
}
