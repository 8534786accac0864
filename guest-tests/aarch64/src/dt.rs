//! Discovery from the flattened device tree the loader passes in x0: the GIC, the ITS, the
//! console UART, the PSCI conduit, the CPUs and the command line. Never fixed addresses: QEMU
//! virt, Xen domU and a KVM VMM place their devices differently.

use fdt::Fdt;
use fdt::node::FdtNode;

use crate::psci::Conduit;

/// Redistributor regions the guest can hold (`#redistributor-regions`).
pub const MAX_RD_REGIONS: usize = 4;

/// CPU nodes the guest records (the boot CPU and the secondaries it can start); a tree may list
/// more, which are counted but not started.
pub const MAX_CPUS: usize = 8;

/// One `/cpus/cpu@*` node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuNode {
    /// `reg`: the CPU's MPIDR affinity fields (the PSCI CPU_ON target), `None` when the node has
    /// no readable one.
    pub mpidr: Option<u64>,
    /// `enable-method = "psci"`: the CPU can be started with PSCI CPU_ON.
    pub psci: bool,
}

/// An MMIO region from a `reg` property.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Region {
    /// Physical (= virtual, identity map) base.
    pub base: usize,
    /// Size in bytes.
    pub size: usize,
}

/// The interrupt controller.
#[derive(Clone, Copy, Debug)]
pub enum Gic {
    /// GICv2 (`arm,cortex-a15-gic`, `arm,gic-400`): reg = GICD, GICC, ...
    V2 {
        /// The distributor.
        gicd: Region,
        /// The CPU interface.
        gicc: Region,
    },
    /// GICv3 (`arm,gic-v3`): reg = GICD, then `#redistributor-regions` GICR regions, ...
    V3 {
        /// The distributor.
        gicd: Region,
        /// The redistributor regions (the first `regions` entries are valid).
        gicr: [Region; MAX_RD_REGIONS],
        /// How many redistributor regions there are.
        regions: usize,
        /// `redistributor-stride`, when the tree gives one.
        stride: Option<usize>,
    },
}

/// What the device tree says about the machine.
#[derive(Clone, Copy, Debug)]
pub struct Machine {
    /// The interrupt controller.
    pub gic: Gic,
    /// The ITS (`arm,gic-v3-its`): its control and translation frames.
    pub its: Option<Region>,
    /// The console UART, if there is one.
    pub uart: Option<Uart>,
    /// How to call PSCI, if the tree has a `/psci` node.
    pub psci: Option<Conduit>,
    /// The number of `/cpus/cpu@*` nodes (at most 255).
    pub cpus: u8,
    /// The first [`MAX_CPUS`] of those nodes, in discovery order (index 0 is taken to be the boot
    /// CPU, as the kit's CPU numbering says).
    pub cpu_nodes: [CpuNode; MAX_CPUS],
    /// `/chosen/bootargs` (empty when absent).
    pub bootargs: &'static str,
}

/// Why discovery failed.
pub type Error = &'static str;

/// Parses the device tree at `dtb`.
///
/// # Safety
///
/// `dtb` must point at a flattened device tree that stays valid and unmodified for the rest of
/// the run (the loader's copy, in RAM the guest never writes).
pub unsafe fn discover(dtb: usize) -> Result<Machine, Error> {
    // SAFETY: the caller vouches for the tree; `from_ptr` checks its magic and size.
    let fdt: Fdt<'static> =
        unsafe { Fdt::from_ptr(dtb as *const u8) }.map_err(|_| "no valid device tree at x0")?;
    let fdt = &fdt;
    Ok(Machine {
        gic: gic(fdt)?,
        its: fdt
            .find_compatible(&["arm,gic-v3-its"])
            .and_then(|node| region(node.reg()?.next())),
        uart: uart(fdt),
        psci: psci(fdt),
        cpus: cpus(fdt),
        cpu_nodes: cpu_nodes(fdt),
        bootargs: bootargs(fdt),
    })
}

fn gic(fdt: &Fdt<'static>) -> Result<Gic, Error> {
    if let Some(node) = fdt.find_compatible(&["arm,gic-v3"]) {
        let mut reg = node.reg().ok_or("GICv3 node has no usable reg")?;
        let gicd = region(reg.next()).ok_or("GICv3 node has no GICD region")?;
        let regions = u32_property(node, "#redistributor-regions").unwrap_or(1) as usize;
        let regions = regions.clamp(1, MAX_RD_REGIONS);
        let mut gicr = [Region::default(); MAX_RD_REGIONS];
        for slot in gicr.iter_mut().take(regions) {
            *slot = region(reg.next()).ok_or("GICv3 node has no GICR region")?;
        }
        let stride = node
            .property("redistributor-stride")
            .and_then(|p| p.as_usize())
            .filter(|&s| s != 0);
        return Ok(Gic::V3 {
            gicd,
            gicr,
            regions,
            stride,
        });
    }
    if let Some(node) = fdt.find_compatible(&["arm,cortex-a15-gic", "arm,gic-400"]) {
        let mut reg = node.reg().ok_or("GICv2 node has no usable reg")?;
        let gicd = region(reg.next()).ok_or("GICv2 node has no GICD region")?;
        let gicc = region(reg.next()).ok_or("GICv2 node has no GICC region")?;
        return Ok(Gic::V2 { gicd, gicc });
    }
    Err("no GIC (arm,gic-v3, arm,cortex-a15-gic, arm,gic-400) in the device tree")
}

fn region(r: Option<fdt::standard_nodes::MemoryRegion>) -> Option<Region> {
    let r = r?;
    Some(Region {
        base: r.starting_address as usize,
        size: r.size.unwrap_or(0),
    })
}

fn u32_property(node: FdtNode<'_, '_>, name: &str) -> Option<u32> {
    let value = node.property(name)?.value;
    Some(u32::from_be_bytes(value.get(..4)?.try_into().ok()?))
}

/// A console UART.
#[derive(Clone, Copy, Debug)]
pub struct Uart {
    /// Its registers.
    pub base: usize,
    /// A full PL011 (`arm,pl011`, with UARTLCR_H), or the SBSA generic UART subset
    /// (`arm,sbsa-uart`: DR, FR and the interrupt registers only; Xen's vpl011).
    pub full_pl011: bool,
}

/// Whether `node` is a PL011 or its SBSA subset.
fn is_uart(node: FdtNode<'_, '_>) -> bool {
    node.compatible()
        .is_some_and(|c| c.all().any(|s| s == "arm,pl011" || s == "arm,sbsa-uart"))
}

/// Whether `node` is a full PL011.
fn is_pl011(node: FdtNode<'_, '_>) -> bool {
    node.compatible()
        .is_some_and(|c| c.all().any(|s| s == "arm,pl011"))
}

/// The UART `/chosen/stdout-path` names (`path[:options]`, path possibly an alias) when it is a
/// PL011, else the first PL011 in the tree.
fn uart(fdt: &Fdt<'static>) -> Option<Uart> {
    let chosen = fdt
        .find_node("/chosen")
        .and_then(|c| c.property("stdout-path"))
        .and_then(|p| core::str::from_utf8(p.value).ok())
        .map(|s| s.trim_end_matches('\0'))
        .map(|s| s.split(':').next().unwrap_or(s));
    let node = chosen
        .and_then(|path| fdt.find_node(path))
        .filter(|&n| is_uart(n))
        .or_else(|| fdt.all_nodes().find(|&n| is_uart(n)))?;
    let base = node.reg()?.next()?.starting_address as usize;
    Some(Uart {
        base,
        full_pl011: is_pl011(node),
    })
}

fn psci(fdt: &Fdt<'static>) -> Option<Conduit> {
    let method = fdt.find_node("/psci")?.property("method")?.as_str()?;
    match method {
        "hvc" => Some(Conduit::Hvc),
        "smc" => Some(Conduit::Smc),
        _ => None,
    }
}

fn cpus(fdt: &Fdt<'static>) -> u8 {
    let Some(cpus) = fdt.find_node("/cpus") else {
        return 1;
    };
    let n = cpus
        .children()
        .filter(|c| c.name.split('@').next() == Some("cpu"))
        .count();
    n.clamp(1, 255) as u8
}

/// The `reg` and `enable-method` of the first [`MAX_CPUS`] CPU nodes. `reg` is read with the
/// `/cpus` node's `#address-cells` (1 or 2; the tree's default of 2 when absent).
fn cpu_nodes(fdt: &Fdt<'static>) -> [CpuNode; MAX_CPUS] {
    let mut nodes = [CpuNode::default(); MAX_CPUS];
    let Some(cpus) = fdt.find_node("/cpus") else {
        return nodes;
    };
    let cells = u32_property(cpus, "#address-cells").unwrap_or(2);
    let cpu_nodes = cpus
        .children()
        .filter(|c| c.name.split('@').next() == Some("cpu"));
    for (slot, node) in nodes.iter_mut().zip(cpu_nodes) {
        let reg = node.property("reg").map(|p| p.value);
        slot.mpidr = match (cells, reg) {
            (1, Some(v)) => v
                .get(..4)
                .and_then(|b| b.try_into().ok())
                .map(|b| u32::from_be_bytes(b).into()),
            (2, Some(v)) => v
                .get(..8)
                .and_then(|b| b.try_into().ok())
                .map(u64::from_be_bytes),
            _ => None,
        };
        slot.psci = node
            .property("enable-method")
            .and_then(|p| p.as_str())
            .is_some_and(|m| m == "psci");
    }
    nodes
}

fn bootargs(fdt: &Fdt<'static>) -> &'static str {
    fdt.find_node("/chosen")
        .and_then(|c| c.property("bootargs"))
        .and_then(|p| core::str::from_utf8(p.value).ok())
        .map(|s| s.trim_end_matches('\0'))
        .unwrap_or("")
}
