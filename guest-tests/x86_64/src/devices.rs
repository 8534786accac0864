//! Interrupt sources the guest drives itself, so that IOAPIC-line and device-MSI cases also run
//! on QEMU, whose host side cannot serve `req` records:
//!
//! - [`Inject::Line`] on GSI [`X86_LINE_GSI`] (ISA IRQ 3): a second 16550 UART at 0x2F8
//!   (`-serial stdio -serial null`). IER.ETBEI = 1 with the transmitter empty holds its
//!   interrupt line high; IER = 0 lowers it (PC16550D datasheet, IER and IIR priorities). Served
//!   only when the MADT has no interrupt source override for IRQ 3.
//! - [`Inject::X86Msi`] from requester [`X86_MSI_REQUESTER`]: QEMU's `edu` PCI device
//!   (vendor 0x1234, device 0x11e8) at that bus:device.function (`-device edu,addr=3`). Its MSI
//!   capability is programmed with the request's address and data through configuration
//!   mechanism #1 (ports 0xCF8/0xCFC), memory space and bus mastering are enabled, and a write
//!   to its raise-interrupt register (BAR0 + 0x60) makes it send the MSI; the status is then
//!   acknowledged (BAR0 + 0x64). The write is the device's own, so interrupt remapping sees the
//!   edu's source-id.
//!
//! Anything else goes to the host as before (see `platform.rs`).

use guest_kit::inject::{Inject, Injection, X86_LINE_GSI, X86_MSI_REQUESTER};

use crate::acpi::Machine;
use crate::cpu;
use crate::mmio;

/// COM2's I/O base.
const COM2: u16 = 0x2f8;
/// UART register offsets: interrupt enable, modem control, scratch.
const IER: u16 = 1;
const MCR: u16 = 4;
const SCRATCH: u16 = 7;
/// IER bit 1: transmitter holding register empty interrupt.
const IER_ETBEI: u8 = 1 << 1;
/// MCR bit 3: OUT2, which gates the UART's interrupt onto the ISA line on PCs.
const MCR_OUT2: u8 = 1 << 3;

/// PCI configuration mechanism #1 ports.
const CONFIG_ADDRESS: u16 = 0xcf8;
const CONFIG_DATA: u16 = 0xcfc;
/// QEMU's `edu` device.
const EDU_ID: u32 = 0x11e8_1234;
/// edu BAR0 registers: raise interrupt (OR into status), acknowledge (clear from status).
const EDU_RAISE: u64 = 0x60;
const EDU_ACK: u64 = 0x64;

/// The devices found, and what they let the guest serve.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalSources {
    /// COM2 is present and its IRQ 3 is GSI [`X86_LINE_GSI`].
    com2: bool,
    /// The edu device at [`X86_MSI_REQUESTER`]: its MSI capability offset, whether the
    /// capability has 64-bit addresses, and BAR0.
    edu: Option<Edu>,
}

#[derive(Clone, Copy, Debug)]
struct Edu {
    msi: u8,
    wide: bool,
    bar0: u64,
}

impl LocalSources {
    /// Probes COM2 (scratch register echo) and the edu device at [`X86_MSI_REQUESTER`].
    pub fn probe(machine: &Machine) -> LocalSources {
        let overridden = machine.overrides[..machine.override_count]
            .iter()
            .any(|o| o.source == 3 && o.gsi != X86_LINE_GSI);
        LocalSources {
            com2: !overridden && com2_present(),
            edu: Edu::probe(),
        }
    }

    /// The requests this guest serves itself.
    pub fn injection(&self) -> Injection {
        let mut bits = Injection::empty();
        if self.com2 {
            bits |= Injection::LINE;
        }
        if self.edu.is_some() {
            bits |= Injection::X86_MSI;
        }
        bits
    }

    /// Serves `request` when it is one of this guest's own; `false` leaves it to the host.
    pub fn serve(&self, request: Inject) -> bool {
        match request {
            Inject::Line { intid, high } if self.com2 && intid == X86_LINE_GSI => {
                cpu::outb(COM2 + MCR, MCR_OUT2);
                cpu::outb(COM2 + IER, if high { IER_ETBEI } else { 0 });
                true
            }
            Inject::X86Msi {
                address,
                data,
                source_id,
            } if source_id == X86_MSI_REQUESTER => match self.edu {
                Some(edu) => {
                    edu.send(address, data);
                    true
                }
                None => false,
            },
            _ => false,
        }
    }
}

/// Whether a 16550 answers at COM2 (its scratch register keeps what is written).
fn com2_present() -> bool {
    [0x5a, 0xa5].iter().all(|&v| {
        cpu::outb(COM2 + SCRATCH, v);
        cpu::inb(COM2 + SCRATCH) == v
    })
}

/// Configuration register `offset` (dword aligned) of `bdf` on bus 0..255.
fn config_read(bdf: u16, offset: u8) -> u32 {
    cpu::outl(CONFIG_ADDRESS, config_address(bdf, offset));
    cpu::inl(CONFIG_DATA)
}

fn config_write(bdf: u16, offset: u8, value: u32) {
    cpu::outl(CONFIG_ADDRESS, config_address(bdf, offset));
    cpu::outl(CONFIG_DATA, value);
}

fn config_address(bdf: u16, offset: u8) -> u32 {
    1 << 31 | u32::from(bdf) << 8 | u32::from(offset & 0xfc)
}

impl Edu {
    /// The edu device at [`X86_MSI_REQUESTER`], with memory space and bus mastering enabled,
    /// when it is there, has an MSI capability and a BAR0 the firmware assigned.
    fn probe() -> Option<Edu> {
        let bdf = X86_MSI_REQUESTER;
        if config_read(bdf, 0x00) != EDU_ID {
            return None;
        }
        let bar0 = u64::from(config_read(bdf, 0x10) & !0xf);
        let status = config_read(bdf, 0x04) >> 16;
        if bar0 == 0 || status & 1 << 4 == 0 {
            return None;
        }
        let mut cap = (config_read(bdf, 0x34) & 0xfc) as u8;
        for _ in 0..48 {
            if cap == 0 {
                return None;
            }
            let header = config_read(bdf, cap);
            if header & 0xff == 0x05 {
                let command = config_read(bdf, 0x04) & 0xffff;
                config_write(bdf, 0x04, command | 0b110);
                let wide = header >> 16 & 1 << 7 != 0;
                return Some(Edu {
                    msi: cap,
                    wide,
                    bar0,
                });
            }
            cap = (header >> 8 & 0xfc) as u8;
        }
        None
    }

    /// Programs the MSI capability with `address` and `data`, enables it, and makes the device
    /// raise (then acknowledge) its interrupt: one MSI write by the device.
    fn send(&self, address: u32, data: u32) {
        let bdf = X86_MSI_REQUESTER;
        let header = config_read(bdf, self.msi);
        config_write(bdf, self.msi, header & !(1 << 16));
        config_write(bdf, self.msi + 4, address);
        let data_at = if self.wide {
            config_write(bdf, self.msi + 8, 0);
            self.msi + 12
        } else {
            self.msi + 8
        };
        config_write(bdf, data_at, data & 0xffff);
        config_write(bdf, self.msi, header | 1 << 16);
        // SAFETY: BAR0 of the edu device, which the firmware assigned in the uncached MMIO
        // GiB that boot.rs maps; the two registers raise and acknowledge its interrupt.
        unsafe {
            mmio::write(self.bar0 + EDU_RAISE, guest_kit::Width::B32, 1);
            mmio::write(self.bar0 + EDU_ACK, guest_kit::Width::B32, 1);
        }
        cpu::barrier();
    }
}
