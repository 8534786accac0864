//! The guest's requests to the host (`guest_kit::inject`), served inside the nested machine: the
//! host cannot reach a VM that lives in another kernel, so the VMM, which sees every console
//! line first, reads the `req` records itself, acts through KVM and queues the `@@ack` answer
//! on the guest's UART. This module is the pure half: which lines are requests, how a request
//! becomes a KVM interrupt number or MSI, and the answer line.

use guest_kit::inject::{Inject, REPLY, Refused};
use guest_kit::protocol::{Record, decode_line};

use crate::layout;

/// `KVM_ARM_IRQ_TYPE_SPI` in the `irq` field of `KVM_IRQ_LINE` (Documentation/virt/kvm/api.rst,
/// 4.25 KVM_IRQ_LINE: bits 31-24 the type, 23-16 the vCPU index, 15-0 the INTID).
const IRQ_TYPE_SPI: u32 = 1;
/// `KVM_ARM_IRQ_TYPE_PPI`.
const IRQ_TYPE_PPI: u32 = 2;
/// GITS_TRANSLATER's offset in the ITS (IHI 0069H 12.19.2: the translation frame, 64 KiB above
/// the control frame, offset 0x40).
const GITS_TRANSLATER: u64 = 0x1_0040;

/// The request a console line carries, if it is a valid `req` record.
pub fn request_in(line: &[u8]) -> Option<(u32, Inject)> {
    let line = std::str::from_utf8(line).ok()?;
    match decode_line(line) {
        Ok(Some((_, Record::Request { id, request }))) => Some((id, request)),
        _ => None,
    }
}

/// The `irq` argument of `KVM_IRQ_LINE` driving the line of `intid` as seen by vCPU `cpu`:
/// an SPI (32-1019, any vCPU) or a PPI (16-31, of that vCPU); SGIs and special INTIDs have no
/// line.
pub fn irq_line(intid: u32, cpu: u8) -> Option<u32> {
    match intid {
        16..=31 => Some((IRQ_TYPE_PPI << 24) | (u32::from(cpu) << 16) | intid),
        32..=1019 => Some((IRQ_TYPE_SPI << 24) | intid),
        _ => None,
    }
}

/// The doorbell a device MSI is written to: the vITS's GITS_TRANSLATER.
pub const fn msi_doorbell() -> u64 {
    layout::ITS.base + GITS_TRANSLATER
}

/// The answer to request `id`: done, or refused with the kind's wire word.
pub fn answer(id: u32, request: Inject, served: Result<(), Refused>) -> String {
    match served {
        Ok(()) => format!("{REPLY}{id} ok\n"),
        Err(_) => format!("{REPLY}{id} no {}\n", request.refusal().0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use guest_kit::inject::{Reply, parse_reply};

    fn record(body: &str) -> String {
        let crc = guest_kit::protocol::crc16(format!("7 {body}").as_bytes());
        format!("@@irq 7 {body} #{crc:04x}\n")
    }

    #[test]
    fn a_req_record_is_a_request_and_other_lines_are_not() {
        let line = record("req 3 line 45 1");
        assert_eq!(
            request_in(line.as_bytes()),
            Some((
                3,
                Inject::Line {
                    intid: 45,
                    high: true
                }
            ))
        );
        assert_eq!(request_in(b"hello\n"), None);
        assert_eq!(request_in(record("log hi").as_bytes()), None);
        let damaged = line.replace("45", "46");
        assert_eq!(
            request_in(damaged.as_bytes()),
            None,
            "a bad checksum is no request"
        );
    }

    #[test]
    fn spis_and_ppis_have_lines_and_sgis_do_not() {
        assert_eq!(
            irq_line(45, 1),
            Some(0x0100_002d),
            "SPI: the vCPU index is ignored"
        );
        assert_eq!(irq_line(23, 1), Some(0x0201_0017), "PPI of vCPU 1");
        assert_eq!(irq_line(3, 0), None);
        assert_eq!(irq_line(1020, 0), None);
    }

    #[test]
    fn answers_are_what_the_guest_kit_parses() {
        let msi = Inject::Msi {
            device: 1,
            event: 2,
        };
        let refused = Err(msi.refusal().1);
        assert_eq!(parse_reply(&answer(9, msi, Ok(()))), Some((9, Reply::Done)));
        assert_eq!(answer(9, msi, refused), "@@ack 9 no msi\n");
        assert_eq!(
            parse_reply(&answer(9, msi, refused)),
            Some((9, Reply::Refused))
        );
    }
}
