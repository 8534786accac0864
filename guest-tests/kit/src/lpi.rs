//! LPIs and the ITS as the kit sets them up: fixed tables inside the guest's arena, programmed
//! the same way on the target (once per boot: GICR_CTLR.EnableLPIs cannot be cleared) and on
//! every fresh reference model, so that register values holding addresses compare equal.
//!
//! Layout (offsets from [`crate::TargetInfo::arena`]), IHI 0069H §5.1 (LPI configuration and
//! pending tables) and §5.2 / §12.19 (ITS tables and command queue):
//!
//! | offset | what |
//! | --- | --- |
//! | `0x00000` | LPI configuration table: one byte per LPI, [`LPI_ID_BITS`] INTID bits (8 KiB) |
//! | `0x10000 * (1 + cpu)` | CPU `cpu`'s LPI pending table (64 KiB aligned) |
//! | `0x90000` | the ITS command queue (4 KiB, 128 commands) |
//! | `0xa0000` | the ITS device table (64 KiB, flat) |
//! | `0xb0000` | the ITS collection table (64 KiB, flat) |
//! | `0x100000` | per-case scratch (ITTs), 1 MiB, allocated with [`Ctx::alloc`] |

use crate::its::{COMMAND_BYTES, Command, RdBase};
use crate::regs::{gicr, gits};
use crate::{Ctx, Observation, Platform, RdFrame, Site, Width};

/// Bytes of RAM the guest sets aside.
pub const ARENA_BYTES: u64 = 2 << 20;
/// INTID bits of the LPI tables (GICR_PROPBASER.IDbits + 1): LPIs 8192 to 16383.
pub const LPI_ID_BITS: u32 = 14;
/// The first LPI.
pub const FIRST_LPI: u32 = 8192;
/// The number of LPIs the tables cover.
pub const LPIS: u32 = (1 << LPI_ID_BITS) - FIRST_LPI;
/// The configuration table.
pub const PROP_TABLE: u64 = 0;
/// The command queue.
pub const COMMAND_QUEUE: u64 = 0x9_0000;
/// Bytes in the command queue.
pub const COMMAND_QUEUE_BYTES: u64 = 0x1000;
/// The device table.
pub const DEVICE_TABLE: u64 = 0xa_0000;
/// The collection table.
pub const COLLECTION_TABLE: u64 = 0xb_0000;
/// Pages (4 KiB) in each of the device and collection tables.
pub const TABLE_PAGES: u64 = 16;
/// Per-case scratch.
pub const SCRATCH: u64 = 0x10_0000;
/// Bytes of per-case scratch.
pub const SCRATCH_BYTES: u64 = 0x10_0000;
/// The priority every LPI has after reset.
pub const DEFAULT_PRIORITY: u8 = 0xa0;

/// CPU `cpu`'s pending table.
pub const fn pend_table(cpu: u8) -> u64 {
    0x1_0000 * (1 + cpu as u64)
}

/// An LPI configuration byte (IHI 0069H §5.1.1): Priority in bits [7:2], bit 1 RES1, Enable in
/// bit 0.
pub const fn config_byte(priority: u8, enabled: bool) -> u8 {
    (priority & 0xfc) | 0b10 | enabled as u8
}

/// Inner-shareable, write-back read/write-allocate: GICR_PROPBASER/PENDBASER InnerCache [9:7]
/// and Shareability [11:10].
const CACHEABLE: u64 = 0b111 << 7 | 0b01 << 10;
/// GICR_PENDBASER.PTZ: the pending table is zero.
pub const PTZ: u64 = 1 << 62;

/// The GICR_PENDBASER value naming CPU `cpu`'s pending table in the arena at `arena` (PTZ
/// clear: the redistributor reads the table when EnableLPIs is set).
pub const fn pendbaser(arena: u64, cpu: u8) -> u64 {
    (arena + pend_table(cpu)) | CACHEABLE
}

/// GITS_CREADR.Stalled.
pub const CREADR_STALLED: u64 = 1;

fn zero(p: &mut dyn Platform, gpa: u64, bytes: u64) {
    let zeros = [0u8; 256];
    let mut at = gpa;
    while at < gpa + bytes {
        // Failures surface in the case that uses the table.
        let _ = p.mem_write(at, &zeros);
        at += zeros.len() as u64;
    }
}

/// Programs LPIs and the ITS as the module doc describes; part of the kit's reset. Does
/// nothing on a target without an ITS or an arena.
pub fn reset(p: &mut dyn Platform) {
    let info = p.info();
    if !info.its || info.arena == 0 {
        return;
    }
    let arena = info.arena;
    let config = [config_byte(DEFAULT_PRIORITY, false); 256];
    let mut at = 0;
    while at < u64::from(LPIS) {
        let _ = p.mem_write(arena + PROP_TABLE + at, &config);
        at += config.len() as u64;
    }
    for cpu in 0..info.cpus {
        let rd = |offset| Site::Gicr {
            cpu,
            frame: RdFrame::Rd,
            offset,
        };
        let ctlr = p.read(rd(gicr::CTLR), Width::B32).unwrap_or(0);
        if ctlr & u64::from(gicr::CTLR_ENABLE_LPIS) != 0 {
            continue;
        }
        zero(p, arena + pend_table(cpu), 1 << (LPI_ID_BITS - 3));
        let prop = (arena + PROP_TABLE) | CACHEABLE | u64::from(LPI_ID_BITS - 1);
        let _ = p.write(rd(gicr::PROPBASER), Width::B64, prop);
        let _ = p.write(rd(gicr::PENDBASER), Width::B64, pendbaser(arena, cpu) | PTZ);
        let _ = p.write(
            rd(gicr::CTLR),
            Width::B32,
            ctlr | u64::from(gicr::CTLR_ENABLE_LPIS),
        );
    }
    let _ = p.write(Site::Gits(gits::CTLR), Width::B32, 0);
    for _ in 0..10_000 {
        match p.read(Site::Gits(gits::CTLR), Width::B32) {
            Ok(v) if v & u64::from(gits::CTLR_QUIESCENT) == 0 => p.delay(),
            _ => break,
        }
    }
    zero(p, arena + COMMAND_QUEUE, COMMAND_QUEUE_BYTES);
    zero(p, arena + DEVICE_TABLE, TABLE_PAGES << 12);
    zero(p, arena + COLLECTION_TABLE, TABLE_PAGES << 12);
    for n in 0..8u32 {
        let site = Site::Gits(gits::BASER + 8 * n);
        let reported = gits::Baser(p.read(site, Width::B64).unwrap_or(0));
        let table = match reported.table_type() {
            gits::TableType::Devices => DEVICE_TABLE,
            gits::TableType::Collections => COLLECTION_TABLE,
            _ => continue,
        };
        let _ = p.write(
            site,
            Width::B64,
            reported.flat_4k(arena + table, TABLE_PAGES).0,
        );
    }
    let queue = gits::cbaser(arena + COMMAND_QUEUE, COMMAND_QUEUE_BYTES >> 12);
    let _ = p.write(Site::Gits(gits::CBASER), Width::B64, queue);
    let _ = p.write(Site::Gits(gits::CWRITER), Width::B64, 0);
    let _ = p.write(
        Site::Gits(gits::CTLR),
        Width::B32,
        gits::CTLR_ENABLED.into(),
    );
}

/// How many polls [`Ctx::its_command`] makes for the ITS to consume a command.
pub const COMMAND_POLLS: u32 = 10_000;

impl Ctx<'_> {
    /// `bytes` of per-case scratch memory aligned to `align` (a power of two), zeroed; the same
    /// addresses on target and model. Returns 0 when the scratch is exhausted.
    pub fn alloc(&mut self, bytes: u64, align: u64) -> u64 {
        let start = (self.scratch_used + align - 1) & !(align - 1);
        if start + bytes > SCRATCH_BYTES {
            return 0;
        }
        self.scratch_used = start + bytes;
        let gpa = self.info().arena + SCRATCH + start;
        zero(self.raw(), gpa, bytes);
        gpa
    }

    /// Writes guest memory. Memory in the arena that cannot be written is an environment
    /// problem, recorded as an exception (an `error` for the case) with the address as FAR.
    pub fn mem_write(&mut self, gpa: u64, data: &[u8]) {
        if let Err(f) = self.raw().mem_write(gpa, data) {
            let esr = match f {
                crate::Fault::Abort { esr, .. } => esr,
                crate::Fault::X86 { .. } | crate::Fault::Absent => 0,
            };
            self.observe(Observation::Exception {
                esr,
                far: gpa,
                elr: 0,
            });
        }
    }

    /// Sets LPI `intid`'s configuration byte; the ITS or redistributor sees it after an INV.
    pub fn set_lpi_config(&mut self, intid: u32, priority: u8, enabled: bool) {
        let gpa = self.info().arena + PROP_TABLE + u64::from(intid - FIRST_LPI);
        self.mem_write(gpa, &[config_byte(priority, enabled)]);
    }

    /// The RDbase that names CPU `cpu` in ITS commands (GITS_TYPER.PTA = 0): its
    /// GICR_TYPER.Processor_Number, read untraced.
    pub fn rdbase(&mut self, cpu: u8) -> RdBase {
        let site = Site::Gicr {
            cpu,
            frame: RdFrame::Rd,
            offset: gicr::TYPER,
        };
        let typer = self.raw().read(site, Width::B64).unwrap_or(0);
        RdBase(gicr::Typer(typer).processor_number())
    }

    /// Queues `command` at GITS_CWRITER, advances it, waits (bounded, untraced) for the ITS to
    /// consume it or stall, and reads GITS_CREADR (traced): the offset past the command, with
    /// Stalled (bit 0) set if the command failed and the ITS chose to stall.
    pub fn its_command(&mut self, command: Command) -> u64 {
        let cwriter = self
            .raw()
            .read(Site::Gits(gits::CWRITER), Width::B64)
            .unwrap_or(0)
            & 0xfffe0;
        let queue = self.info().arena + COMMAND_QUEUE;
        self.mem_write(queue + cwriter, &command.to_bytes());
        let next = (cwriter + COMMAND_BYTES as u64) % COMMAND_QUEUE_BYTES;
        self.write(Site::Gits(gits::CWRITER), Width::B64, next);
        for _ in 0..COMMAND_POLLS {
            match self.raw().read(Site::Gits(gits::CREADR), Width::B64) {
                Ok(r) if r & 0xfffe0 == next || r & CREADR_STALLED != 0 => break,
                _ => self.delay(),
            }
        }
        self.read(Site::Gits(gits::CREADR), Width::B64)
    }
}
