//! Host-side injection (DESIGN.md, "Host-side injection"): a case asks the host to act — drive
//! an interrupt line, or send an MSI as a device — and waits until the host says it happened.
//!
//! On the wire the guest prints a `req` record ([`crate::protocol::Record::Request`]) and reads
//! the host's answer from its console input, one line: `@@ack <id> ok`, or `@@ack <id> no <what>`
//! when the backend cannot serve that kind of request (the case is then skipped with the reason).

use core::fmt;

/// What a case asks the host to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inject {
    /// Drive the line of SPI or PPI `intid` (of the requesting CPU for a PPI) high or low.
    Line {
        /// The interrupt.
        intid: u32,
        /// The new level.
        high: bool,
    },
    /// Write EventID `event` to GITS_TRANSLATER as device `device` (a device MSI).
    Msi {
        /// DeviceID.
        device: u32,
        /// EventID.
        event: u32,
    },
    /// An x86 MSI: the 32-bit write of `data` to `address` (0xFEEx_xxxx, compatibility or
    /// remappable format, Intel SDM vol. 3 11.11.1 / VT-d 5.1.2) by PCI requester `source_id`
    /// (bus:device.function, the source-id that interrupt remapping checks, VT-d 5.1.1).
    X86Msi {
        /// The MSI address (low 32 bits; the high half is 0).
        address: u32,
        /// The MSI data.
        data: u32,
        /// The requester's source-id.
        source_id: u16,
    },
}

bitflags::bitflags! {
    /// The kinds of request a backend serves: declared by the backend, passed to the guest as
    /// `irqsuite.inject=<hex>` on its command line and reported back in `cfg`, so that cases
    /// needing one are skipped with the reason where it is missing.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    pub struct Injection: u8 {
        /// Drive an interrupt line ([`Inject::Line`]).
        const LINE = 1 << 0;
        /// Send an MSI as a device ([`Inject::Msi`]).
        const MSI = 1 << 1;
        /// Send an x86 MSI as a PCI requester ([`Inject::X86Msi`]).
        const X86_MSI = 1 << 2;
    }
}

/// The PCI requester (bus:device.function 00:03.0) whose source-id x86 cases put in their
/// [`Inject::X86Msi`] requests. The x86 guest serves such requests itself on QEMU through an
/// `edu` device placed there (`-device edu,addr=3`), so the source-id that VT-d checks is the
/// same on every backend.
pub const X86_MSI_REQUESTER: u16 = 0x0018;

/// The GSI x86 cases drive with [`Inject::Line`]: ISA IRQ 3 (COM2) without an override. The x86
/// guest serves such requests itself on QEMU through a second 16550 UART (`-serial stdio
/// -serial null`), whose interrupt line is that pin.
pub const X86_LINE_GSI: u32 = 3;

/// The kernel command-line parameter carrying the backend's [`Injection`] bits.
pub const PARAM: &str = "irqsuite.inject=";

impl Injection {
    /// The capabilities named on a kernel command line (none when absent or malformed).
    pub fn from_bootargs(bootargs: &str) -> Injection {
        let bits = bootargs
            .split_ascii_whitespace()
            .find_map(|arg| arg.strip_prefix(PARAM));
        bits.and_then(|b| u8::from_str_radix(b, 16).ok())
            .map_or(Injection::empty(), Injection::from_bits_truncate)
    }
}

/// Why the host did not serve a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused(pub &'static str);

impl Inject {
    /// The wire word of a refusal of this kind of request, and the skip reason it stands for.
    pub const fn refusal(self) -> (&'static str, Refused) {
        match self {
            Inject::Line { .. } => (
                "line",
                Refused("the backend cannot drive an interrupt line"),
            ),
            Inject::Msi { .. } => ("msi", Refused("the backend cannot send a device MSI")),
            Inject::X86Msi { .. } => (
                "xmsi",
                Refused("the backend cannot send an MSI as a PCI device"),
            ),
        }
    }
}

impl fmt::Display for Inject {
    /// The request's wire form: `line <intid> <0|1>`, `msi <device> <event>` or
    /// `xmsi <address> <data> <source-id>` (bare hex).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Inject::Line { intid, high } => write!(f, "line {intid} {}", high as u8),
            Inject::Msi { device, event } => write!(f, "msi {device} {event}"),
            Inject::X86Msi {
                address,
                data,
                source_id,
            } => write!(f, "xmsi {address:x} {data:x} {source_id:x}"),
        }
    }
}

/// The prefix of the host's answer line.
pub const REPLY: &str = "@@ack ";

/// The host's answer to request `id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Done: the effect is in place.
    Done,
    /// Not served; the word says which kind (`line`, `msi`).
    Refused,
}

/// Parses an answer line: `Some((id, reply))`, or `None` for anything else.
pub fn parse_reply(line: &str) -> Option<(u32, Reply)> {
    let rest = line.trim_end().strip_prefix(REPLY)?;
    let mut words = rest.split(' ');
    let id = words.next()?.parse().ok()?;
    match words.next()? {
        "ok" => Some((id, Reply::Done)),
        "no" => Some((id, Reply::Refused)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_parse_and_other_lines_do_not() {
        assert_eq!(parse_reply("@@ack 7 ok\r\n"), Some((7, Reply::Done)));
        assert_eq!(parse_reply("@@ack 8 no msi"), Some((8, Reply::Refused)));
        assert_eq!(parse_reply("@@ack x ok"), None);
        assert_eq!(parse_reply("hello"), None);
        assert_eq!(parse_reply("@@ack 9 maybe"), None);
    }

    #[test]
    fn capabilities_come_from_the_command_line() {
        assert_eq!(
            Injection::from_bootargs("irqsuite.inject=3 x"),
            Injection::LINE | Injection::MSI
        );
        assert_eq!(
            Injection::from_bootargs("irqsuite.inject=1"),
            Injection::LINE
        );
        assert_eq!(
            Injection::from_bootargs("irqsuite.inject=zz"),
            Injection::empty()
        );
        assert_eq!(Injection::from_bootargs(""), Injection::empty());
    }

    #[test]
    fn requests_have_a_stable_wire_form() {
        assert_eq!(
            Inject::Line {
                intid: 45,
                high: true
            }
            .to_string(),
            "line 45 1"
        );
        assert_eq!(
            Inject::Msi {
                device: 9,
                event: 2
            }
            .to_string(),
            "msi 9 2"
        );
    }
}
