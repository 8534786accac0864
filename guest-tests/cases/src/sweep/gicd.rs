//! The distributor's registers, one sweep case each (IHI 0048B §4.3, table 4-1; IHI 0069H
//! §12.8-§12.9, table 12-25).
//!
//! Widths are the legal ones: every distributor register is word-accessible; GICD_IPRIORITYR,
//! GICD_ITARGETSR, GICD_CPENDSGIR and GICD_SPENDSGIR are byte-accessible too (IHI 0048B §4.3,
//! "Byte-accessible registers"; IHI 0069H §12.1.3); `GICD_IROUTER<n>` is 64 bits wide and
//! accessible as two words (IHI 0069H §12.1.3). Registers whose writes act on the machine
//! beyond the distributor's state (GICD_SGIR, GICD_SETSPI_*) are left to the cases about them.

use guest_kit::regs::{IrqBank, gicd};
use guest_kit::{Case, Ctx, Needs, Site, TargetInfo, Width};

use super::engine::{Patterns, Reading, Register, part, samples, sweep};

/// Which view of the distributor the guest has (IHI 0069H §12.9.4, GICD_CTLR.DS): a GIC with
/// one security state, or the Non-secure side of a GIC with two. A GICv2 guest, and a GICv3
/// guest whose GICD_CTLR.DS reads 1, see the first; a virtual GIC may present either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    /// One security state (GICD_CTLR.DS = 1, or GICv2 without the Security Extensions).
    Single,
    /// The Non-secure view of two security states (GICD_CTLR.DS = 0).
    NonSecure,
}

/// What a register's reading depends on: the machine and the view of it.
#[derive(Clone, Copy, Debug)]
struct Shape {
    info: TargetInfo,
    view: View,
    /// GICD_TYPER, for the sweeps whose RES0 bits depend on it (read first by those only).
    typer: Option<u64>,
}

/// GICD_CTLR.DS (GICv3).
const DS: u64 = 1 << 6;

/// The view the guest has: on GICv3, GICD_CTLR.DS, recorded as an implementation-defined bit
/// (the rest of GICD_CTLR is judged as read).
fn view(ctx: &mut Ctx<'_>) -> View {
    if !ctx.info().gic.has_sysregs() {
        return View::Single;
    }
    match ctx.read_split(Site::Gicd(gicd::CTLR), Width::B32, DS, "gicd-ctlr-ds") & DS {
        0 => View::NonSecure,
        _ => View::Single,
    }
}

/// Where a swept block's registers are.
#[derive(Clone, Copy, Debug)]
enum Layout {
    /// One register, at this offset.
    One(u32),
    /// A per-interrupt block: the registers of its first and last lines, and of the lines at
    /// the edge of those the distributor implements.
    PerIrq(IrqBank),
    /// `GICD_IROUTER<n>`, n = 32..=1019: 64 bits per SPI from 0x6000, sampled as a per-interrupt
    /// block is.
    Router,
    /// Reserved offsets, each swept.
    Reserved(&'static [u32]),
}

/// One swept register (or block).
struct Swept {
    id: &'static str,
    title: &'static str,
    spec: &'static str,
    needs: Needs,
    layout: Layout,
    widths: &'static [Width],
    /// How a read of `width` at an offset is recorded on the target's GIC.
    reading: fn(&Shape, u32, Width) -> Reading,
    /// Bits set in every value written: those an architecturally legal write must keep.
    keep: fn(&TargetInfo) -> u64,
}

const WORD: &[Width] = &[Width::B32];
const WORD_AND_BYTE: &[Width] = &[Width::B32, Width::B8];

fn exact(_: &Shape, _: u32, _: Width) -> Reading {
    Reading::EXACT
}

fn nothing_kept(_: &TargetInfo) -> u64 {
    0
}

/// GICD_CTLR: RWP (GICv3, bit 31) says whether a write is still taking effect, so its value
/// at any one read is timing, not architecture. In the Non-secure view of two security states
/// bit 0 and DS are not the single-state layout's (IHI 0069H §12.9.4): the model knows only
/// that one, so they are recorded, not judged; EnableGrp1A (bit 1) and ARE_NS (bit 4) are.
fn ctlr_reading(shape: &Shape, _: u32, _: Width) -> Reading {
    let rwp: u64 = gicd::Ctlr::RWP.bits().into();
    match (shape.info.gic.has_sysregs(), shape.view) {
        (false, _) => Reading::EXACT,
        (true, View::Single) => Reading {
            free: rwp,
            label: "gicd-ctlr-rwp",
            res0: 0,
            raz: 0,
        },
        (true, View::NonSecure) => Reading {
            free: rwp | DS | 1,
            label: "gicd-ctlr-non-secure-view",
            res0: 0,
            raz: 0,
        },
    }
}

/// GICD_IGROUPR<n> in the Non-secure view of two security states: RAZ/WI to Non-secure
/// accesses (IHI 0069H §12.9.15); the model, which knows one security state only, keeps
/// groups, so every bit is recorded and checked to read 0.
fn group_reading(shape: &Shape, _: u32, _: Width) -> Reading {
    match shape.view {
        View::Single => Reading::EXACT,
        View::NonSecure => Reading {
            free: 0,
            label: "gicd-igroupr-non-secure-view",
            res0: 0,
            raz: 0xffff_ffff,
        },
    }
}

/// GICD_CTLR on GICv3: affinity routing stays enabled. Clearing ARE once set is UNPREDICTABLE
/// (IHI 0069H §12.9.4, ARE_NS), so no legal sweep writes it as 0.
fn ctlr_keep(info: &TargetInfo) -> u64 {
    match info.gic.has_sysregs() {
        true => gicd::Ctlr::ARE.bits().into(),
        false => 0,
    }
}

/// GICD_TYPER: ITLinesNumber (and on GICv2 CPUNumber) follow from the machine the guest
/// reported; every other field is the implementation's choice.
fn typer_reading(shape: &Shape, _: u32, _: Width) -> Reading {
    let fixed: u64 = match shape.info.gic.has_sysregs() {
        true => 0x1f,
        false => 0xff,
    };
    Reading {
        free: 0xffff_ffff & !fixed,
        label: "gicd-typer-impl",
        res0: 0,
        raz: 0,
    }
}

fn iidr_reading(_: &Shape, _: u32, _: Width) -> Reading {
    Reading {
        free: 0xffff_ffff,
        label: "gicd-iidr",
        res0: 0,
        raz: 0,
    }
}

/// GICD_ISENABLER0/ICENABLER0 on GICv2: whether SGIs can be disabled, or are always enabled,
/// is IMPLEMENTATION DEFINED (IHI 0048B §4.3.5, §4.3.6). With affinity routing the register is
/// RAZ/WI and judged whole.
fn enable_reading(shape: &Shape, offset: u32, width: Width) -> Reading {
    let sgis = match shape.info.gic.has_sysregs() || !offset.is_multiple_of(0x80) {
        true => 0,
        false => 0xffff,
    };
    Reading {
        free: part(sgis, offset, width),
        label: "sgi-enable-bits",
        res0: 0,
        raz: 0,
    }
}

/// GICD_ICFGR1 on GICv2: whether a PPI's Int_config is programmable, and its value, are
/// IMPLEMENTATION DEFINED (IHI 0048B §4.3.13). With affinity routing GICD_ICFGR0-1 are RAZ/WI
/// and judged whole.
fn icfgr_reading(shape: &Shape, offset: u32, width: Width) -> Reading {
    let ppis = match !shape.info.gic.has_sysregs() && offset - gicd::ICFGR.base == 4 {
        true => 0xffff_ffff,
        false => 0,
    };
    Reading {
        free: part(ppis, offset, width),
        label: "ppi-int-config",
        res0: 0,
        raz: 0,
    }
}

/// GICD_IPRIORITYR on GICv3: the distributor may implement more priority bits than the CPU
/// interface does (`pri_bits`, from ICC_CTLR_EL1.PRIbits): how many is IMPLEMENTATION DEFINED
/// (IHI 0069H §4.8, §12.9.19), so the bits below the CPU interface's are free. On GICv2
/// `pri_bits` is probed through GICD_IPRIORITYR itself and every bit is judged.
fn priority_reading(shape: &Shape, offset: u32, width: Width) -> Reading {
    let low = match shape.info.gic.has_sysregs() {
        true => u64::from(0xffu8 >> shape.info.pri_bits.min(8)) * 0x0101_0101,
        false => 0,
    };
    Reading {
        free: part(low, offset, width),
        label: "gicd-priority-low-bits",
        res0: 0,
        raz: 0,
    }
}

/// `GICD_IROUTER<n>`: bits \[63:40\] and \[30:24\] are RES0; so are Aff3 when GICD_TYPER.A3V
/// is 0 and Interrupt_Routing_Mode when GICD_TYPER.No1N is 1 (IHI 0069H §12.9.22, §12.9.38):
/// what the target's GICD_TYPER says ([`Shape::typer`]) decides.
fn irouter_reading(shape: &Shape, offset: u32, width: Width) -> Reading {
    const RES0: u64 = 0xffff_ff00_7f00_0000;
    const AFF3: u64 = 0xff << 32;
    const IRM: u64 = 1 << 31;
    const A3V: u64 = 1 << 24;
    const NO1N: u64 = 1 << 25;
    let typer = shape.typer.unwrap_or(0);
    let mut res0 = RES0;
    if typer & A3V == 0 {
        res0 |= AFF3;
    }
    if typer & NO1N != 0 {
        res0 |= IRM;
    }
    let res0 = match width {
        Width::B64 => res0,
        _ => (res0 >> ((offset % 8) * 8)) & 0xffff_ffff,
    };
    Reading {
        free: 0,
        label: "gicd-irouter-res0-bits",
        res0,
        raz: 0,
    }
}

/// Offsets both register maps mark reserved (IHI 0048B table 4-1; IHI 0069H table 12-25).
const RESERVED: &[u32] = &[0x014, 0x018, 0x01c, 0xf30, 0xf7c];

const fn bank(id: &'static str, title: &'static str, spec: &'static str, b: IrqBank) -> Swept {
    Swept {
        id,
        title,
        spec,
        needs: Needs::ANY_GIC,
        layout: Layout::PerIrq(b),
        widths: WORD,
        reading: exact,
        keep: nothing_kept,
    }
}

const TABLE: [Swept; 17] = [
    Swept {
        id: "sweep.gicd-ctlr",
        title: "GICD_CTLR under every pattern, read back",
        spec: "IHI 0048B 4.3.1; IHI 0069H 12.9.4",
        needs: Needs::ANY_GIC,
        layout: Layout::One(gicd::CTLR),
        widths: WORD,
        reading: ctlr_reading,
        keep: ctlr_keep,
    },
    Swept {
        id: "sweep.gicd-typer",
        title: "GICD_TYPER ignores every pattern written",
        spec: "IHI 0048B 4.3.2; IHI 0069H 12.9.38",
        needs: Needs::ANY_GIC,
        layout: Layout::One(gicd::TYPER),
        widths: WORD,
        reading: typer_reading,
        keep: nothing_kept,
    },
    Swept {
        id: "sweep.gicd-iidr",
        title: "GICD_IIDR ignores every pattern written",
        spec: "IHI 0048B 4.3.3; IHI 0069H 12.9.24",
        needs: Needs::ANY_GIC,
        layout: Layout::One(gicd::IIDR),
        widths: WORD,
        reading: iidr_reading,
        keep: nothing_kept,
    },
    Swept {
        reading: group_reading,
        ..bank(
            "sweep.gicd-igroupr",
            "GICD_IGROUPR<n> under every pattern, read back",
            "IHI 0048B 4.3.4; IHI 0069H 12.9.15",
            gicd::IGROUPR,
        )
    },
    Swept {
        reading: enable_reading,
        ..bank(
            "sweep.gicd-isenabler",
            "GICD_ISENABLER<n> under every pattern, read back",
            "IHI 0048B 4.3.5; IHI 0069H 12.9.27",
            gicd::ISENABLER,
        )
    },
    Swept {
        reading: enable_reading,
        ..bank(
            "sweep.gicd-icenabler",
            "GICD_ICENABLER<n> under every pattern, read back",
            "IHI 0048B 4.3.6; IHI 0069H 12.9.7",
            gicd::ICENABLER,
        )
    },
    bank(
        "sweep.gicd-ispendr",
        "GICD_ISPENDR<n> under every pattern, read back",
        "IHI 0048B 4.3.7; IHI 0069H 12.9.29",
        gicd::ISPENDR,
    ),
    bank(
        "sweep.gicd-icpendr",
        "GICD_ICPENDR<n> under every pattern, read back",
        "IHI 0048B 4.3.8; IHI 0069H 12.9.9",
        gicd::ICPENDR,
    ),
    bank(
        "sweep.gicd-isactiver",
        "GICD_ISACTIVER<n> under every pattern, read back",
        "IHI 0048B 4.3.9; IHI 0069H 12.9.25",
        gicd::ISACTIVER,
    ),
    bank(
        "sweep.gicd-icactiver",
        "GICD_ICACTIVER<n> under every pattern, read back",
        "IHI 0048B 4.3.10; IHI 0069H 12.9.5",
        gicd::ICACTIVER,
    ),
    Swept {
        widths: WORD_AND_BYTE,
        reading: priority_reading,
        ..bank(
            "sweep.gicd-ipriorityr",
            "GICD_IPRIORITYR<n> under every pattern, as words and bytes, read back",
            "IHI 0048B 4.3.11; IHI 0069H 12.9.19",
            gicd::IPRIORITYR,
        )
    },
    Swept {
        reading: icfgr_reading,
        ..bank(
            "sweep.gicd-icfgr",
            "GICD_ICFGR<n> under every pattern, read back",
            "IHI 0048B 4.3.13; IHI 0069H 12.9.11",
            gicd::ICFGR,
        )
    },
    Swept {
        needs: Needs::GICV2,
        widths: WORD_AND_BYTE,
        ..bank(
            "sweep.gicd-itargetsr",
            "GICD_ITARGETSR<n> under every pattern, as words and bytes, read back",
            "IHI 0048B 4.3.12",
            gicd::ITARGETSR,
        )
    },
    Swept {
        needs: Needs::GICV2,
        widths: WORD_AND_BYTE,
        ..bank(
            "sweep.gicd-cpendsgir",
            "GICD_CPENDSGIR<n> under every pattern, as words and bytes, read back",
            "IHI 0048B 4.3.16",
            gicd::CPENDSGIR,
        )
    },
    Swept {
        needs: Needs::GICV2,
        widths: WORD_AND_BYTE,
        ..bank(
            "sweep.gicd-spendsgir",
            "GICD_SPENDSGIR<n> under every pattern, as words and bytes, read back",
            "IHI 0048B 4.3.17",
            gicd::SPENDSGIR,
        )
    },
    Swept {
        id: "sweep.gicd-irouter",
        title: "GICD_IROUTER<n> under every pattern, as doublewords and words, read back",
        spec: "IHI 0069H 12.9.22, 12.1.3",
        needs: Needs::GICV3,
        layout: Layout::Router,
        widths: &[Width::B64, Width::B32],
        reading: irouter_reading,
        keep: nothing_kept,
    },
    Swept {
        id: "sweep.gicd-reserved",
        title: "reserved distributor offsets under every pattern, read back",
        spec: "IHI 0048B 4.1.2 table 4-1; IHI 0069H 12.8 table 12-25",
        needs: Needs::ANY_GIC,
        layout: Layout::Reserved(RESERVED),
        widths: WORD,
        reading: exact,
        keep: nothing_kept,
    },
];

/// Sweeps every register of `swept` at every legal width.
fn run_swept(ctx: &mut Ctx<'_>, swept: &Swept) {
    let info = ctx.info();
    let keep = (swept.keep)(&info);
    let shape = Shape {
        info,
        view: view(ctx),
        typer: match swept.layout {
            // The fields other than ITLinesNumber are the implementation's choice.
            Layout::Router => Some(ctx.read_split(
                Site::Gicd(gicd::TYPER),
                Width::B32,
                0xffff_ffe0,
                "gicd-typer-impl",
            )),
            _ => None,
        },
    };
    let lines = 32 * (u32::from(info.it_lines) + 1);
    for &width in swept.widths {
        let step = u32::from(width.bytes());
        // Every `step`-wide register in `bytes` from `offset`, written with `kind`.
        let each = |ctx: &mut Ctx<'_>, offset: u32, bytes: u32, kind: Patterns| {
            for at in (offset..offset + bytes).step_by(step as usize) {
                let register = Register {
                    site: Site::Gicd(at),
                    width,
                    reading: (swept.reading)(&shape, at, width),
                    keep,
                };
                sweep(ctx, register, kind);
            }
        };
        // The first registers of a block stand for its kinds (SGIs and PPIs, then SPIs) and
        // take every bit alone; the others take all ones and all zeros. A narrower width than
        // the block's own is swept in the registers that stand for the kinds only.
        let block = |n: u32, first: u32, whole: Width| match (n < first, width == whole) {
            (true, _) => Some(Patterns::Walking),
            (false, true) => Some(Patterns::Solid),
            (false, false) => None,
        };
        match swept.layout {
            Layout::One(offset) => each(ctx, offset, 4, Patterns::Walking),
            Layout::Reserved(offsets) => {
                for &offset in offsets {
                    each(ctx, offset, 4, Patterns::Solid);
                }
            }
            Layout::PerIrq(b) => {
                let backed = lines * b.bits / 32;
                for n in samples(b.len / 4, backed) {
                    if let Some(kind) = block(n, 2, Width::B32) {
                        each(ctx, b.base + 4 * n, 4, kind);
                    }
                }
            }
            Layout::Router => {
                // IROUTER<n> exists for the SPIs, n = 32..=1019.
                for n in samples(1020 - 32, lines.saturating_sub(32)) {
                    if let Some(kind) = block(n, 1, Width::B64) {
                        each(ctx, gicd::IROUTER + 8 * (32 + n), 8, kind);
                    }
                }
            }
        }
    }
}

fn run<const R: usize>(ctx: &mut Ctx<'_>) {
    run_swept(ctx, &TABLE[R]);
}

const fn case<const R: usize>() -> Case {
    let swept = &TABLE[R];
    Case {
        id: swept.id,
        title: swept.title,
        spec: swept.spec,
        needs: swept.needs,
        run: run::<R>,
    }
}

/// The distributor's sweep cases, in table order.
pub const CASES: [Case; TABLE.len()] = [
    case::<0>(),
    case::<1>(),
    case::<2>(),
    case::<3>(),
    case::<4>(),
    case::<5>(),
    case::<6>(),
    case::<7>(),
    case::<8>(),
    case::<9>(),
    case::<10>(),
    case::<11>(),
    case::<12>(),
    case::<13>(),
    case::<14>(),
    case::<15>(),
    case::<16>(),
];
