//! The guest's device tree, written with `vm-fdt`: exactly what the test guest's discovery
//! (guest-tests/aarch64/src/dt.rs) reads — the GIC (`arm,gic-v3` with one redistributor region,
//! or `arm,cortex-a15-gic`), the ITS (`arm,gic-v3-its`) when the target has one, a PL011 named by
//! `/chosen/stdout-path`, `/psci` with `method = "hvc"` (PSCI is KVM's), `/cpus/cpu@N` with `reg`
//! = MPIDR affinity and `enable-method = "psci"`, and `/chosen/bootargs` — plus what a Linux
//! guest would also expect (`/memory`, `/timer`).

use vm_fdt::{Error, FdtWriter};

use crate::config::{Config, Gic};
use crate::layout::{self, Region};

/// The GIC's phandle (every interrupt in the tree refers to it).
const GIC_PHANDLE: u32 = 1;
/// The ITS's phandle.
const ITS_PHANDLE: u32 = 2;
/// `interrupts` cells: the type (0 SPI, 1 PPI), the number, the flags.
const GIC_SPI: u32 = 0;
const GIC_PPI: u32 = 1;
/// IRQ_TYPE_LEVEL_HIGH.
const LEVEL_HIGH: u32 = 4;
/// The architected timer PPIs (secure and non-secure physical, virtual, hypervisor), as INTID
/// minus 16: KVM's defaults (INTIDs 29, 30, 27, 26).
const TIMER_PPIS: [u32; 4] = [13, 14, 11, 10];

/// The tree for the VM `config` describes.
pub fn device_tree(config: &Config) -> Result<Vec<u8>, Error> {
    let mut fdt = FdtWriter::new()?;
    let root = fdt.begin_node("")?;
    fdt.property_string("compatible", "linux,dummy-virt")?;
    fdt.property_u32("#address-cells", 2)?;
    fdt.property_u32("#size-cells", 2)?;
    fdt.property_u32("interrupt-parent", GIC_PHANDLE)?;

    let chosen = fdt.begin_node("chosen")?;
    fdt.property_string("bootargs", &config.bootargs)?;
    fdt.property_string("stdout-path", &uart_path())?;
    fdt.end_node(chosen)?;

    let memory = fdt.begin_node(&format!("memory@{:x}", layout::RAM.base))?;
    fdt.property_string("device_type", "memory")?;
    reg(&mut fdt, &[layout::RAM])?;
    fdt.end_node(memory)?;

    cpus(&mut fdt, config.cpus)?;

    let psci = fdt.begin_node("psci")?;
    fdt.property_string_list("compatible", vec!["arm,psci-0.2".into(), "arm,psci".into()])?;
    fdt.property_string("method", "hvc")?;
    fdt.end_node(psci)?;

    gic(&mut fdt, config)?;
    timer(&mut fdt, config)?;
    uart(&mut fdt)?;

    fdt.end_node(root)?;
    fdt.finish()
}

/// The UART node's path.
fn uart_path() -> String {
    format!("/pl011@{:x}", layout::UART.base)
}

/// A `reg` of 2-cell addresses and sizes.
fn reg(fdt: &mut FdtWriter, regions: &[Region]) -> Result<(), Error> {
    let cells: Vec<u64> = regions.iter().flat_map(|r| [r.base, r.size]).collect();
    fdt.property_array_u64("reg", &cells)
}

fn cpus(fdt: &mut FdtWriter, count: u8) -> Result<(), Error> {
    let cpus = fdt.begin_node("cpus")?;
    fdt.property_u32("#address-cells", 1)?;
    fdt.property_u32("#size-cells", 0)?;
    for i in 0..u32::from(count) {
        // KVM gives vCPU i the MPIDR affinity Aff0 = i (for fewer than 16).
        let cpu = fdt.begin_node(&format!("cpu@{i:x}"))?;
        fdt.property_string("device_type", "cpu")?;
        fdt.property_string("compatible", "arm,arm-v8")?;
        fdt.property_string("enable-method", "psci")?;
        fdt.property_u32("reg", i)?;
        fdt.end_node(cpu)?;
    }
    fdt.end_node(cpus)
}

fn gic(fdt: &mut FdtWriter, config: &Config) -> Result<(), Error> {
    let node = fdt.begin_node(&format!("intc@{:x}", layout::GICD.base))?;
    match config.target {
        Gic::V2 => {
            fdt.property_string("compatible", "arm,cortex-a15-gic")?;
            let gicd = Region {
                size: 0x1000,
                ..layout::GICD
            };
            reg(fdt, &[gicd, layout::GICC])?;
        }
        Gic::V3 | Gic::V3Its => {
            fdt.property_string("compatible", "arm,gic-v3")?;
            fdt.property_u32("#redistributor-regions", 1)?;
            reg(fdt, &[layout::GICD, layout::gicr(config.cpus)])?;
        }
    }
    fdt.property_u32("#interrupt-cells", 3)?;
    fdt.property_null("interrupt-controller")?;
    fdt.property_u32("#address-cells", 2)?;
    fdt.property_u32("#size-cells", 2)?;
    fdt.property_null("ranges")?;
    fdt.property_phandle(GIC_PHANDLE)?;
    if config.target == Gic::V3Its {
        let its = fdt.begin_node(&format!("its@{:x}", layout::ITS.base))?;
        fdt.property_string("compatible", "arm,gic-v3-its")?;
        fdt.property_null("msi-controller")?;
        fdt.property_u32("#msi-cells", 1)?;
        reg(fdt, &[layout::ITS])?;
        fdt.property_phandle(ITS_PHANDLE)?;
        fdt.end_node(its)?;
    }
    fdt.end_node(node)
}

/// The flags cell of a PPI: on GICv2 it also names the CPUs the PPI is wired to.
fn ppi_flags(config: &Config) -> u32 {
    match config.target {
        Gic::V2 => (((1u32 << config.cpus) - 1) << 8) | LEVEL_HIGH,
        Gic::V3 | Gic::V3Its => LEVEL_HIGH,
    }
}

fn timer(fdt: &mut FdtWriter, config: &Config) -> Result<(), Error> {
    let timer = fdt.begin_node("timer")?;
    fdt.property_string("compatible", "arm,armv8-timer")?;
    let cells: Vec<u32> = TIMER_PPIS
        .iter()
        .flat_map(|&ppi| [GIC_PPI, ppi, ppi_flags(config)])
        .collect();
    fdt.property_array_u32("interrupts", &cells)?;
    fdt.property_null("always-on")?;
    fdt.end_node(timer)
}

fn uart(fdt: &mut FdtWriter) -> Result<(), Error> {
    let uart = fdt.begin_node(&uart_path()[1..])?;
    fdt.property_string_list(
        "compatible",
        vec!["arm,pl011".into(), "arm,primecell".into()],
    )?;
    reg(fdt, &[layout::UART])?;
    fdt.property_array_u32("interrupts", &[GIC_SPI, layout::UART_SPI, LEVEL_HIGH])?;
    fdt.end_node(uart)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fdt::Fdt;

    fn config(gic: Gic) -> Config {
        Config {
            target: gic,
            cpus: 2,
            bootargs: "irqsuite.run=5".into(),
        }
    }

    fn regs(fdt: &Fdt<'_>, compatible: &str) -> Vec<(u64, u64)> {
        fdt.find_compatible(&[compatible])
            .and_then(|n| n.reg())
            .map(|r| {
                r.map(|r| (r.starting_address as u64, r.size.unwrap_or(0) as u64))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Read back the way the guest's dt.rs reads it.
    #[test]
    fn a_gicv3_its_tree_has_what_the_guest_discovers() {
        let blob = device_tree(&config(Gic::V3Its)).unwrap();
        let fdt = Fdt::new(&blob).unwrap();
        assert_eq!(
            regs(&fdt, "arm,gic-v3"),
            [(0x0800_0000, 0x1_0000), (0x0820_0000, 0x4_0000)]
        );
        let gic = fdt.find_compatible(&["arm,gic-v3"]).unwrap();
        let regions = gic.property("#redistributor-regions").unwrap().as_usize();
        assert_eq!(regions, Some(1));
        assert_eq!(regs(&fdt, "arm,gic-v3-its"), [(0x0810_0000, 0x2_0000)]);
        assert_eq!(
            fdt.find_node("/psci")
                .unwrap()
                .property("method")
                .unwrap()
                .as_str(),
            Some("hvc")
        );
        let chosen = fdt.find_node("/chosen").unwrap();
        assert_eq!(
            chosen.property("bootargs").unwrap().as_str(),
            Some("irqsuite.run=5")
        );
        let stdout = chosen.property("stdout-path").unwrap().as_str().unwrap();
        let uart = fdt.find_node(stdout).unwrap();
        assert!(uart.compatible().unwrap().all().any(|c| c == "arm,pl011"));
        assert_eq!(
            uart.reg().unwrap().next().unwrap().starting_address as u64,
            0x0900_0000
        );
    }

    #[test]
    fn every_cpu_has_its_affinity_as_reg_and_starts_with_psci() {
        let blob = device_tree(&Config {
            cpus: 3,
            ..config(Gic::V3)
        })
        .unwrap();
        let fdt = Fdt::new(&blob).unwrap();
        let cpus = fdt.find_node("/cpus").unwrap();
        let nodes: Vec<_> = cpus
            .children()
            .map(|c| {
                let reg = c.property("reg").unwrap().value;
                let method = c.property("enable-method").unwrap().as_str().unwrap();
                (c.name, u32::from_be_bytes(reg.try_into().unwrap()), method)
            })
            .collect();
        assert_eq!(
            nodes,
            [
                ("cpu@0", 0, "psci"),
                ("cpu@1", 1, "psci"),
                ("cpu@2", 2, "psci")
            ]
        );
    }

    #[test]
    fn a_gicv3_tree_without_its_has_no_its_node_and_a_gicv2_tree_has_gicd_and_gicc() {
        let v3 = device_tree(&config(Gic::V3)).unwrap();
        assert!(regs(&Fdt::new(&v3).unwrap(), "arm,gic-v3-its").is_empty());
        let v2 = device_tree(&config(Gic::V2)).unwrap();
        let fdt = Fdt::new(&v2).unwrap();
        assert!(regs(&fdt, "arm,gic-v3").is_empty());
        assert_eq!(
            regs(&fdt, "arm,cortex-a15-gic"),
            [(0x0800_0000, 0x1000), (0x0801_0000, 0x2000)]
        );
    }

    #[test]
    fn memory_covers_the_ram_and_the_tree_fits_its_slot() {
        let blob = device_tree(&config(Gic::V3Its)).unwrap();
        assert!((blob.len() as u64) < layout::DTB.size);
        let fdt = Fdt::new(&blob).unwrap();
        let region = fdt.memory().regions().next().unwrap();
        assert_eq!(region.starting_address as u64, layout::RAM.base);
        assert_eq!(region.size, Some(layout::RAM.size as usize));
    }
}
