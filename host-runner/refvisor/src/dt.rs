//! What refvisor reads from QEMU's device tree (the one `-kernel` passes in x0): the physical
//! GIC and its virtualization frames, the UART, the CPUs, the command line. The guest gets the
//! same tree (copied into its RAM by `main`): it discovers GICD/GICR (v3) or GICD/GICC (v2) from
//! it, and its GICC is GICV in stage 2.

use fdt::Fdt;
use fdt::node::FdtNode;

/// CPUs refvisor can run vCPUs on.
pub const MAX_CPUS: usize = 8;

/// An MMIO region from a `reg` property.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Region {
    /// Base address.
    pub base: usize,
    /// Size in bytes.
    pub size: usize,
}

impl Region {
    /// Whether `addr` lies inside.
    pub fn contains(&self, addr: usize) -> bool {
        addr >= self.base && addr - self.base < self.size
    }
}

/// The physical GIC.
#[derive(Clone, Copy, Debug)]
pub enum Gic {
    /// GICv2 (`arm,cortex-a15-gic`): GICD, GICC, GICH, GICV (IHI 0048B §5.2).
    V2 {
        /// Distributor.
        gicd: Region,
        /// CPU interface (the guest's IPA for GICV).
        gicc: Region,
        /// Virtual interface control.
        gich: Region,
        /// Virtual CPU interface.
        gicv: Region,
    },
    /// GICv3 (`arm,gic-v3`): GICD and one redistributor region.
    V3 {
        /// Distributor.
        gicd: Region,
        /// Redistributors (128 KiB per CPU).
        gicr: Region,
    },
}

/// The machine.
#[derive(Clone, Copy, Debug)]
pub struct Machine {
    /// The GIC.
    pub gic: Gic,
    /// The PL011 base.
    pub uart: usize,
    /// Number of CPUs (at most [`MAX_CPUS`] are used).
    pub cpus: usize,
    /// Their MPIDR affinity (`reg`).
    pub mpidr: [u64; MAX_CPUS],
    /// `/chosen/bootargs`.
    pub bootargs: &'static str,
    /// The tree's size in bytes.
    pub size: usize,
}

/// Parses the device tree at `dtb`.
///
/// # Safety
///
/// `dtb` must point at a flattened device tree that stays valid and unmodified for the rest of
/// the run (QEMU's copy, above refvisor's image).
pub unsafe fn discover(dtb: usize) -> Result<Machine, &'static str> {
    // SAFETY: the caller vouches for the tree; `from_ptr` checks its magic and size.
    let fdt: Fdt<'static> =
        unsafe { Fdt::from_ptr(dtb as *const u8) }.map_err(|_| "no valid device tree in x0")?;
    let (cpus, mpidr) = cpus(&fdt);
    Ok(Machine {
        gic: gic(&fdt)?,
        uart: uart(&fdt).ok_or("no PL011 in the device tree")?,
        cpus,
        mpidr,
        bootargs: fdt
            .chosen()
            .bootargs()
            .map(|s| s.trim_end_matches('\0'))
            .unwrap_or(""),
        size: fdt.total_size(),
    })
}

fn regions<const N: usize>(node: FdtNode<'_, '_>) -> Option<[Region; N]> {
    let mut out = [Region::default(); N];
    let mut reg = node.reg()?;
    for slot in &mut out {
        let r = reg.next()?;
        *slot = Region {
            base: r.starting_address as usize,
            size: r.size.unwrap_or(0),
        };
    }
    Some(out)
}

fn gic(fdt: &Fdt<'static>) -> Result<Gic, &'static str> {
    if let Some(node) = fdt.find_compatible(&["arm,gic-v3"]) {
        let [gicd, gicr] = regions::<2>(node).ok_or("GICv3 node without GICD and GICR")?;
        return Ok(Gic::V3 { gicd, gicr });
    }
    if let Some(node) = fdt.find_compatible(&["arm,cortex-a15-gic", "arm,gic-400"]) {
        let [gicd, gicc, gich, gicv] = regions::<4>(node)
            .ok_or("GICv2 node without GICH and GICV: run QEMU with virtualization=on")?;
        return Ok(Gic::V2 {
            gicd,
            gicc,
            gich,
            gicv,
        });
    }
    Err("no GIC in the device tree")
}

fn uart(fdt: &Fdt<'static>) -> Option<usize> {
    let node = fdt.all_nodes().find(|n| {
        n.compatible()
            .is_some_and(|c| c.all().any(|s| s == "arm,pl011"))
    })?;
    Some(node.reg()?.next()?.starting_address as usize)
}

fn cpus(fdt: &Fdt<'static>) -> (usize, [u64; MAX_CPUS]) {
    let mut mpidr = [0; MAX_CPUS];
    let mut n = 0;
    for cpu in fdt.cpus() {
        if n < MAX_CPUS {
            mpidr[n] = cpu.ids().first() as u64;
        }
        n += 1;
    }
    (n.clamp(1, MAX_CPUS), mpidr)
}

/// Where, in the tree at `dtb`, the size cell(s) of `/memory`'s first `reg` entry are: their
/// byte offset from the tree's start and their length (4 or 8), so a copy of the tree can be
/// given another RAM size in place. `None` when the tree has no such property.
///
/// # Safety
///
/// As for [`discover`].
pub unsafe fn memory_size_cells(dtb: usize) -> Option<(usize, usize)> {
    // SAFETY: as the caller vouches.
    let fdt: Fdt<'static> = unsafe { Fdt::from_ptr(dtb as *const u8) }.ok()?;
    let node = fdt.find_node("/memory").or_else(|| {
        fdt.all_nodes()
            .find(|n| n.name.split('@').next() == Some("memory"))
    })?;
    let root = fdt.find_node("/")?;
    let cells = |name: &str| {
        root.property(name)
            .and_then(|p| p.value.get(..4))
            .and_then(|b| b.try_into().ok())
            .map(u32::from_be_bytes)
            .unwrap_or(if name == "#address-cells" { 2 } else { 1 }) as usize
    };
    let (address, size) = (cells("#address-cells") * 4, cells("#size-cells") * 4);
    let value = node.property("reg")?.value;
    if !(size == 4 || size == 8) || value.len() < address + size {
        return None;
    }
    let offset = value.as_ptr() as usize - dtb + address;
    Some((offset, size))
}

/// The value of `key=` on the command line, if present.
pub fn arg<'a>(bootargs: &'a str, key: &str) -> Option<&'a str> {
    bootargs
        .split_ascii_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
}
