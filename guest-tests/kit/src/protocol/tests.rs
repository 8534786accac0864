//! Round trips and damage detection for the wire protocol.

use super::*;
use crate::{Arch, GicVersion, IccReg, RdFrame, Site, Width};

fn line(seq: u32, record: &Record<'_>) -> String {
    let mut buf = LineBuf::default();
    encode(seq, record, &mut buf).expect("fits").to_owned()
}

fn every_kind() -> Vec<Record<'static>> {
    vec![
        Record::Config(TargetInfo {
            arch: Arch::Aarch64,
            gic: GicVersion::V3,
            cpus: 4,
            it_lines: 8,
            pri_bits: 5,
            its: true,
            arena: 0x4040_0000,
            lpi_clearable: true,
            inject: crate::inject::Injection::LINE,
            x86: crate::X86Info::NONE,
        }),
        Record::Config(TargetInfo {
            arch: Arch::X86_64,
            gic: GicVersion::V2,
            cpus: 255,
            it_lines: 0,
            pri_bits: 0,
            its: false,
            arena: 0xffff_ffff_ffff_f000,
            lpi_clearable: false,
            inject: crate::inject::Injection::all(),
            x86: crate::X86Info {
                ioapic_pins: 240,
                x2apic: true,
                iommu: true,
                tsc_deadline: true,
            },
        }),
        Record::Obs(Observation::X86Fault {
            site: Site::Msr(0x8ff),
            width: Width::B64,
            vector: crate::Vector::GENERAL_PROTECTION,
            error_code: 0xffff_ffff,
        }),
        Record::Obs(Observation::Read {
            site: Site::Lapic(0x3f0),
            width: Width::B32,
            value: 0xffff_ffff,
        }),
        Record::Obs(Observation::Read {
            site: Site::Dmar(0x34),
            width: Width::B64,
            value: u64::MAX,
        }),
        Record::Obs(Observation::Read {
            site: Site::Ioapic(0x10),
            width: Width::B32,
            value: 0x0017_0020,
        }),
        Record::Obs(Observation::Vector(crate::Vector::new(0x31))),
        Record::Obs(Observation::Vector(crate::Vector::new(0xff))),
        Record::Obs(Observation::NoVector),
        Record::Obs(Observation::X86Exception {
            vector: crate::Vector::PAGE_FAULT,
            error_code: 0xffff_ffff,
            rip: u64::MAX,
        }),
        Record::CaseStart {
            index: 17,
            id: "gic.sgi-self",
        },
        Record::Obs(Observation::Read {
            site: Site::Gicd(0x204),
            width: Width::B32,
            value: 0x8,
        }),
        Record::Obs(Observation::Read {
            site: Site::Icc(IccReg::Iar1),
            width: Width::B64,
            value: 0x3ff,
        }),
        Record::Obs(Observation::Fault {
            site: Site::Gicr {
                cpu: 1,
                frame: RdFrame::Sgi,
                offset: 0x10,
            },
            width: Width::B8,
            esr: 0x9600_0050,
            far: 0x80a_0010,
        }),
        Record::Obs(Observation::ImplDefined {
            label: "GICD_IIDR",
            value: 0x43b,
        }),
        Record::Obs(Observation::Check {
            label: "pending-after-set",
            got: 0,
            expected: 1,
        }),
        Record::Obs(Observation::Exception {
            esr: 0x200_0000,
            far: 0,
            elr: 0x4020_1234,
        }),
        Record::Obs(Observation::Cpu { cpu: 3 }),
        Record::Obs(Observation::CpuOffline { cpu: 1 }),
        Record::Skip {
            reason: "needs an ITS",
        },
        Record::CaseEnd { index: 17 },
        Record::Done { cases: 20 },
        Record::Log("hello from the guest"),
        Record::Request {
            id: 3,
            request: crate::inject::Inject::Line {
                intid: 45,
                high: true,
            },
        },
        Record::Request {
            id: 4,
            request: crate::inject::Inject::Msi {
                device: 9,
                event: 1,
            },
        },
        Record::Request {
            id: 5,
            request: crate::inject::Inject::X86Msi {
                address: 0xfee0_1000,
                data: 0x4031,
                source_id: 0x0010,
            },
        },
    ]
}

#[test]
fn every_record_kind_round_trips() {
    for (seq, record) in every_kind().into_iter().enumerate() {
        let text = line(seq as u32, &record);
        assert!(text.len() <= MAX_RECORD, "{text}");
        assert_eq!(decode_line(&text), Ok(Some((seq as u32, record))), "{text}");
    }
}

#[test]
fn x86_records_have_the_wire_forms_of_the_seam() {
    let body = |record: Record<'_>| {
        let text = line(0, &record);
        text[SENTINEL.len() + 2..text.rfind(" #").unwrap()].to_owned()
    };
    assert_eq!(
        body(Record::Obs(Observation::Vector(crate::Vector::new(0x31)))),
        "vec 0x31"
    );
    assert_eq!(body(Record::Obs(Observation::NoVector)), "novec");
    assert_eq!(
        body(Record::Obs(Observation::X86Fault {
            site: Site::Msr(0x80b),
            width: Width::B64,
            vector: crate::Vector::GENERAL_PROTECTION,
            error_code: 0,
        })),
        "xflt msr:0x80b 8 d 0"
    );
}

#[test]
fn x86_config_without_gic_fields_decodes_and_arm_config_still_needs_pri() {
    let payload = "0 cfg arch=x86_64 cpus=2 pins=24 x2apic=0 iommu=1 arena=0x0 inject=0";
    let text = format!("{SENTINEL}{payload} #{:04x}", crc16(payload.as_bytes()));
    let Ok(Some((_, Record::Config(t)))) = decode_line(&text) else {
        panic!("{text}");
    };
    assert_eq!((t.arch, t.cpus, t.x86.ioapic_pins), (Arch::X86_64, 2, 24));
    assert!(t.x86.iommu && !t.x86.x2apic);
    let payload = "0 cfg arch=aarch64 gic=v3 cpus=2";
    let text = format!("{SENTINEL}{payload} #{:04x}", crc16(payload.as_bytes()));
    assert_eq!(
        decode_line(&text),
        Err(DecodeError::Malformed("cfg lacks pri"))
    );
}

#[test]
fn vector_without_hex_prefix_is_malformed() {
    let payload = "1 vec 31";
    let text = format!("{SENTINEL}{payload} #{:04x}", crc16(payload.as_bytes()));
    assert_eq!(decode_line(&text), Err(DecodeError::Malformed("vector")));
}

#[test]
fn record_after_a_console_prefix_is_found() {
    let text = format!("(XEN) DOM1: {}", line(3, &Record::Done { cases: 2 }));
    assert_eq!(decode_line(&text), Ok(Some((3, Record::Done { cases: 2 }))));
}

#[test]
fn trailing_carriage_return_is_ignored() {
    let text = format!("{}\r", line(3, &Record::Done { cases: 2 }));
    assert_eq!(decode_line(&text), Ok(Some((3, Record::Done { cases: 2 }))));
}

#[test]
fn console_text_without_sentinel_is_not_a_record() {
    assert_eq!(decode_line("Booting Linux on physical CPU 0x0"), Ok(None));
    assert_eq!(decode_line(""), Ok(None));
}

#[test]
fn flipped_character_is_a_checksum_error_never_a_different_value() {
    let good = line(
        5,
        &Record::Obs(Observation::Read {
            site: Site::Gicd(0x200),
            width: Width::B32,
            value: 0x1,
        }),
    );
    let body_start = SENTINEL.len();
    let crc_start = good.rfind(" #").unwrap();
    for i in body_start..crc_start {
        let mut bytes = good.clone().into_bytes();
        bytes[i] = if bytes[i] == b'1' { b'3' } else { b'1' };
        let damaged = String::from_utf8(bytes).unwrap();
        assert_eq!(
            decode_line(&damaged),
            Err(DecodeError::BadChecksum),
            "{damaged}"
        );
    }
}

#[test]
fn record_cut_short_is_truncated() {
    let good = line(9, &Record::CaseEnd { index: 4 });
    for cut in [
        good.len() - 1,
        good.len() - 3,
        good.len() - 6,
        SENTINEL.len() + 3,
    ] {
        let err = decode_line(&good[..cut]).unwrap_err();
        assert!(
            matches!(err, DecodeError::Truncated | DecodeError::BadChecksum),
            "{} -> {err:?}",
            &good[..cut]
        );
    }
}

#[test]
fn checksum_with_a_sign_is_no_checksum_even_when_its_value_matches() {
    // The checksum is four hex digits; `+b72` is three and a sign (found by protocol_fuzz).
    let (good, crc) = (0..)
        .map(|seq| line(seq, &Record::CaseEnd { index: 4 }))
        .find_map(|good| {
            let crc = good[good.len() - 4..].to_owned();
            crc.starts_with('0').then_some((good, crc))
        })
        .unwrap();
    let signed = format!("{}+{}", &good[..good.len() - 4], &crc[1..]);
    assert_eq!(
        decode_line(&signed),
        Err(DecodeError::Truncated),
        "{signed}"
    );
    let crc_upper = format!("{}{}", &good[..good.len() - 4], crc.to_ascii_uppercase());
    assert_eq!(
        decode_line(&crc_upper),
        decode_line(&good),
        "hex digits in either case"
    );
}

#[test]
fn overlong_line_is_rejected_even_with_a_valid_checksum() {
    let payload = format!("1 log {}", "x".repeat(MAX_RECORD));
    let text = format!("{SENTINEL}{payload} #{:04x}", crc16(payload.as_bytes()));
    assert_eq!(decode_line(&text), Err(DecodeError::Overlong));
}

#[test]
fn unknown_kind_with_valid_checksum_is_malformed() {
    let payload = "1 zap 12";
    let text = format!("{SENTINEL}{payload} #{:04x}", crc16(payload.as_bytes()));
    assert!(matches!(decode_line(&text), Err(DecodeError::Malformed(_))));
}

#[test]
fn trailing_fields_are_malformed() {
    let payload = "1 end 3 4";
    let text = format!("{SENTINEL}{payload} #{:04x}", crc16(payload.as_bytes()));
    assert_eq!(
        decode_line(&text),
        Err(DecodeError::Malformed("trailing fields"))
    );
}

#[test]
fn long_free_text_is_cut_to_fit() {
    let reason: &'static str = "a very long reason ".repeat(20).leak();
    let text = line(123_456, &Record::Skip { reason });
    assert!(text.len() <= MAX_RECORD);
    assert!(matches!(
        decode_line(&text),
        Ok(Some((123_456, Record::Skip { .. })))
    ));
}

#[test]
fn crc16_matches_the_ccitt_false_check_value() {
    assert_eq!(crc16(b"123456789"), 0x29b1);
}

#[test]
fn multi_byte_text_is_cut_by_bytes_on_a_character_boundary_and_still_fits() {
    let long = "é".repeat(100);
    let mut buf = LineBuf::default();
    let text = encode(1, &Record::Log(&long), &mut buf)
        .expect("fits")
        .to_owned();
    let Ok(Some((1, Record::Log(got)))) = decode_line(&text) else {
        panic!("{text}");
    };
    assert_eq!(got.len(), 64, "two-byte characters, 64 bytes");
    let label = "ü".repeat(MAX_TOKEN);
    let check = Record::Obs(Observation::Check {
        label: &label,
        got: 1,
        expected: 1,
    });
    let text = line(2, &check);
    let Ok(Some((2, Record::Obs(Observation::Check { label: got, .. })))) = decode_line(&text)
    else {
        panic!("{text}");
    };
    assert_eq!(got.len(), MAX_TOKEN, "{got}");
}

#[test]
fn an_empty_label_is_written_as_an_underscore_and_reads_back() {
    let check = Record::Obs(Observation::Check {
        label: "",
        got: 3,
        expected: 4,
    });
    let text = line(5, &check);
    assert_eq!(
        decode_line(&text),
        Ok(Some((
            5,
            Record::Obs(Observation::Check {
                label: "_",
                got: 3,
                expected: 4,
            })
        )))
    );
}
