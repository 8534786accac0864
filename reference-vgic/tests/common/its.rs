//! An ITS test rig written against the public API: guest memory laid out by hand, register
//! offsets from IHI 0069H §12.11 / §12.19, and ITS commands encoded independently of the
//! model's decoder from the §5.3 command formats.

use super::*;
use reference_vgic::{FIRST_LPI, ItsConfig};

pub const GICR_CTLR: u32 = 0x0000;
pub const GICR_PROPBASER: u32 = 0x0070;
pub const GICR_PENDBASER: u32 = 0x0078;

pub const GITS_CTLR: u32 = 0x0000;
pub const GITS_TYPER: u32 = 0x0008;
pub const GITS_CBASER: u32 = 0x0080;
pub const GITS_CWRITER: u32 = 0x0088;
pub const GITS_CREADR: u32 = 0x0090;
pub const GITS_BASER0: u32 = 0x0100;
pub const GITS_BASER1: u32 = 0x0108;
pub const GITS_TRANSLATER: u32 = 0x1_0040;

/// Guest memory layout.
pub const PROP_TABLE: u64 = 0x10_0000;
pub const PEND_TABLES: u64 = 0x20_0000;
pub const QUEUE: u64 = 0x30_0000;
pub const DEVICE_TABLE: u64 = 0x40_0000;
pub const COLLECTION_TABLE: u64 = 0x50_0000;
pub const ITTS: u64 = 0x60_0000;

/// Default priority written into the configuration table by [`Rig::lpi`].
pub const LPI_PRIO: u8 = 0xa0;

/// Pending table of `cpu`.
pub fn pend_table(cpu: u8) -> u64 {
    PEND_TABLES + u64::from(cpu) * 0x1_0000
}

/// ITT of device `dev`.
pub fn itt(dev: u32) -> u64 {
    ITTS + u64::from(dev) * 0x1000
}

fn dw0(opcode: u64, device: u32) -> u64 {
    opcode | u64::from(device) << 32
}

pub fn mapd(device: u32, size: u8, itt: u64, valid: bool) -> [u64; 4] {
    [
        dw0(0x08, device),
        u64::from(size),
        itt | u64::from(valid) << 63,
        0,
    ]
}
pub fn mapc(icid: u16, rd: u64, valid: bool) -> [u64; 4] {
    [
        0x09,
        0,
        u64::from(icid) | rd << 16 | u64::from(valid) << 63,
        0,
    ]
}
pub fn mapti(device: u32, event: u32, intid: u32, icid: u16) -> [u64; 4] {
    [
        dw0(0x0a, device),
        u64::from(event) | u64::from(intid) << 32,
        u64::from(icid),
        0,
    ]
}
pub fn mapi(device: u32, event: u32, icid: u16) -> [u64; 4] {
    [dw0(0x0b, device), u64::from(event), u64::from(icid), 0]
}
fn dev_event(opcode: u64, device: u32, event: u32) -> [u64; 4] {
    [dw0(opcode, device), u64::from(event), 0, 0]
}
pub fn int(device: u32, event: u32) -> [u64; 4] {
    dev_event(0x03, device, event)
}
pub fn clear(device: u32, event: u32) -> [u64; 4] {
    dev_event(0x04, device, event)
}
pub fn inv(device: u32, event: u32) -> [u64; 4] {
    dev_event(0x0c, device, event)
}
pub fn discard(device: u32, event: u32) -> [u64; 4] {
    dev_event(0x0f, device, event)
}
pub fn movi(device: u32, event: u32, icid: u16) -> [u64; 4] {
    [dw0(0x01, device), u64::from(event), u64::from(icid), 0]
}
pub fn invall(icid: u16) -> [u64; 4] {
    [0x0d, 0, u64::from(icid), 0]
}
pub fn movall(from: u64, to: u64) -> [u64; 4] {
    [0x0e, 0, from << 16, to << 16]
}
pub fn sync(rd: u64) -> [u64; 4] {
    [0x05, 0, rd << 16, 0]
}

/// A GICv3 with an ITS, `cpus` CPUs awake with Group 1 enabled and PMR open, LPIs enabled on
/// every redistributor (16 INTID bits), flat Device and Collection tables of one 4 KiB page,
/// a one-page command queue, and the ITS enabled.
pub struct Rig {
    pub g: Gic,
}

impl Rig {
    pub fn new(cpus: u8) -> Rig {
        Rig::with(cpus, ItsConfig::default(), |_| {})
    }

    /// Like [`Rig::new`], with an ITS shape and a hook that runs before LPIs and the ITS are
    /// enabled (to preset tables or registers).
    pub fn with(cpus: u8, its: ItsConfig, before_enable: impl FnOnce(&mut Gic)) -> Rig {
        let config = GicConfig::new(Version::V3, cpus, 2, 5).with_its(its);
        let mut g = Gic::new(config);
        for c in 0..cpus {
            let rd = Frame::Redistributor(CpuId(c));
            g.mmio_write(C0, rd, GICR_PROPBASER, 8, PROP_TABLE | 15);
            g.mmio_write(C0, rd, GICR_PENDBASER, 8, pend_table(c));
            v3_enable(&mut g, CpuId(c));
        }
        g.mmio_write(C0, Frame::Its, GITS_BASER0, 8, DEVICE_TABLE | 1 << 63);
        g.mmio_write(C0, Frame::Its, GITS_BASER1, 8, COLLECTION_TABLE | 1 << 63);
        g.mmio_write(C0, Frame::Its, GITS_CBASER, 8, QUEUE | 1 << 63);
        before_enable(&mut g);
        for c in 0..cpus {
            g.mmio_write(C0, Frame::Redistributor(CpuId(c)), GICR_CTLR, 4, 1);
        }
        g.mmio_write(C0, Frame::Its, GITS_CTLR, 4, 1);
        Rig { g }
    }

    /// Write LPI `intid`'s configuration byte (priority [7:2], RES1 bit 1, Enable bit 0).
    pub fn lpi(&mut self, intid: u32, priority: u8, enabled: bool) {
        let byte = priority & 0xfc | 0b10 | u8::from(enabled);
        let gpa = PROP_TABLE + u64::from(intid - FIRST_LPI);
        self.g.memory_mut().write(gpa, &[byte]).unwrap();
    }

    pub fn creadr(&mut self) -> u64 {
        self.g.mmio_read(C0, Frame::Its, GITS_CREADR, 8)
    }

    pub fn cwriter(&mut self) -> u64 {
        self.g.mmio_read(C0, Frame::Its, GITS_CWRITER, 8)
    }

    /// Queue `commands` after GITS_CWRITER and publish them with one GITS_CWRITER write.
    pub fn cmds(&mut self, commands: &[[u64; 4]]) {
        let mut off = self.cwriter();
        for c in commands {
            let bytes: Vec<u8> = c.iter().flat_map(|w| w.to_le_bytes()).collect();
            self.g.memory_mut().write(QUEUE + off, &bytes).unwrap();
            off = (off + 32) % 4096;
        }
        self.g.mmio_write(C0, Frame::Its, GITS_CWRITER, 8, off);
    }

    /// Map device `dev` (2^(size+1) events) and collection `icid` to processor `rd`, then map
    /// `event` to `intid` in that collection, with the LPI enabled at [`LPI_PRIO`].
    pub fn map(&mut self, dev: u32, event: u32, intid: u32, icid: u16, rd: u64) {
        self.lpi(intid, LPI_PRIO, true);
        self.cmds(&[
            mapd(dev, 7, itt(dev), true),
            mapc(icid, rd, true),
            mapti(dev, event, intid, icid),
        ]);
    }

    pub fn ack(&mut self, cpu: CpuId) -> u32 {
        self.g.sysreg_read(cpu, Sysreg::Iar1) as u32
    }

    pub fn hppi(&mut self, cpu: CpuId) -> u32 {
        self.g.sysreg_read(cpu, Sysreg::Hppir1) as u32
    }
}
