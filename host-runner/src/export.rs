//! `irqsuite export --target T --out DIR`: the guest of a target as a portable bundle, for the
//! hypervisors irqsuite's runner cannot start (Bao, Jailhouse, Hafnium, crosvm, a Xen or KVM host
//! on a board): the image, a machine-readable `manifest.json` (the image and how it is entered,
//! the command line with its case selection and injection bits, the machine it expects), a
//! `boot-qemu.sh` running the plain QEMU line, and a `README.md` saying how to boot it on plain QEMU, a Xen `xl` host, any KVM VMM, or a board
//! through U-Boot or UEFI. The console it prints is judged anywhere with `irqsuite judge`.
//!
//! A loader that passes no command line runs the guest's default: every case, no host requests
//! (the guest reads `irqsuite.run=` and `irqsuite.inject=` only when they are there).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use guest_kit::Arch;
use serde_json::json;

use crate::backend::{TargetSpec, console, qemu};
use crate::builds::provenance::{self, command_line};

/// What an export wrote.
#[derive(Clone, Debug)]
pub struct Exported {
    /// The image, in the folder.
    pub image: PathBuf,
    /// The QEMU command line that boots it from the folder (also in the README and manifest).
    pub qemu: String,
}

/// The image's file name in the folder.
fn image_name(arch: Arch) -> &'static str {
    match arch {
        Arch::Aarch64 => "irqsuite-aarch64.img",
        Arch::X86_64 => "irqsuite-x86_64.elf",
    }
}

/// Exports `target` (one of qemu-tcg's shapes) into `out`.
pub fn export(target: &TargetSpec, out: &Path) -> Result<Exported, String> {
    let arch = target.shape.arch;
    let built = match arch {
        Arch::Aarch64 => qemu::guest_image(),
        Arch::X86_64 => qemu::x86_guest_image(),
    }?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let name = image_name(arch);
    let image = out.join(name);
    let bytes = std::fs::read(&built).map_err(|e| format!("{}: {e}", built.display()))?;
    crate::build::write_atomically(&image, &bytes).map_err(|e| e.to_string())?;
    let cases: Vec<usize> = (0..irq_cases::CATALOGUE.len()).collect();
    let qemu = command_line(&qemu::command(target, Path::new(name), &cases));
    let cmdline = console::guest_bootargs(target, &cases);
    let sha256 = provenance::sha256_of(&image).unwrap_or_default();
    let manifest = manifest(target, name, &sha256, &cmdline, &qemu);
    let write = |file: &str, text: &str| {
        crate::build::write_atomically(&out.join(file), text.as_bytes()).map_err(|e| e.to_string())
    };
    write("manifest.json", &manifest)?;
    write("README.md", &readme(target, name, &cmdline, &qemu))?;
    let script = out.join("boot-qemu.sh");
    write(
        "boot-qemu.sh",
        &format!(
            "#!/bin/sh\n# Boots {name} under plain QEMU; the console on standard output.\ncd \"$(dirname \"$0\")\" || exit 2\nexec {qemu}\n"
        ),
    )?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: {e}", script.display()))?;
    Ok(Exported { image, qemu })
}

fn manifest(target: &TargetSpec, image: &str, sha256: &str, cmdline: &str, qemu: &str) -> String {
    let shape = target.shape;
    let (entry, machine) = match shape.arch {
        Arch::Aarch64 => (
            json!({
                "format": "arm64 Image (Linux boot header, text_offset 0)",
                "load": "any 2 MiB-aligned address in RAM",
                "state": "EL1 (or EL2: the guest drops to EL1), MMU off, x0 = the device tree's physical address",
            }),
            json!({
                "ram": "256 MiB at least, anywhere (read from the device tree)",
                "cpus": shape.cpus,
                "console": "a PL011 or SBSA UART named by the device tree's /chosen/stdout-path or first serial node",
                "interrupt_controller": match (shape.gic, shape.its) {
                    (guest_kit::GicVersion::V2, _) => "GICv2 (arm,gic-400 / arm,cortex-a15-gic) in the device tree",
                    (_, true) => "GICv3 with an ITS (arm,gic-v3, arm,gic-v3-its) in the device tree",
                    _ => "GICv3 (arm,gic-v3) in the device tree",
                },
                "psci": "PSCI 0.2+ (hvc or smc, from the device tree) for CPU_ON and SYSTEM_OFF",
                "timer": "the generic timer (virtual timer PPI from the device tree)",
            }),
        ),
        Arch::X86_64 => (
            json!({
                "format": "ELF64 with a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)",
                "load": "at the physical addresses of its program headers",
                "state": "PVH: 32-bit protected mode, paging off, ebx = the hvm_start_info (its cmdline_paddr carries the command line)",
            }),
            json!({
                "ram": "256 MiB at least",
                "cpus": shape.cpus,
                "console": "a 16550 UART at I/O port 0x3f8 (COM1)",
                "interrupt_controller": format!(
                    "local APICs{}, an IOAPIC ({} pins) in the ACPI MADT{}",
                    if shape.x86.x2apic { " with x2APIC" } else { " (xAPIC)" },
                    shape.x86.ioapic_pins,
                    if shape.x86.iommu { ", a VT-d unit with interrupt remapping in the DMAR" } else { "" },
                ),
                "acpi": "RSDP reachable from the PVH start info or the BIOS area; MADT (and DMAR)",
                "exit": "optional: isa-debug-exit at the port irqsuite.debug-exit= names",
            }),
        ),
    };
    let doc = json!({
        "schema": 1,
        "irqsuite": provenance::irqsuite_version(),
        "target": target.name,
        "arch": shape.arch.wire(),
        "image": {"file": image, "sha256": sha256, "entry": entry},
        "cmdline": cmdline,
        "default_without_cmdline": "every case, no host requests",
        "machine": machine,
        "qemu": qemu,
        "judge": format!("irqsuite judge --target {} console.log", target.name),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn readme(target: &TargetSpec, image: &str, cmdline: &str, qemu: &str) -> String {
    let mut r = String::new();
    let name = target.name;
    let _ = writeln!(
        r,
        "# irqsuite guest for `{name}`\n\n\
         `{image}` runs irqsuite's whole catalogue on the interrupt controller of the machine it \
         boots on and prints every observation on its console. Capture the console (serial \
         capture, `xl console`, a VMM's output: prefixes, timestamps and noise are fine) and judge \
         it anywhere with irqsuite:\n\n\
         ```sh\n\
         {qemu} | tee console.log\n\
         irqsuite judge --target {name} console.log --junit report.xml   # add --baseline FILE for known departures\n\
         ```\n\n\
         `manifest.json` says the same for a program: the image and its entry, the command line, the machine.\n\n\
         ## The command line\n\n\
         `{cmdline}`\n\n\
         `irqsuite.run=` selects cases (a hex bitmap of catalogue indices, most significant first; \
         `irqsuite list` gives the order) and `irqsuite.inject=` the host requests the machine serves \
         (0: none, those cases skip). Without a command line the guest runs every case and asks \
         for nothing.\n"
    );
    match target.shape.arch {
        Arch::Aarch64 => {
            let _ = writeln!(
                r,
                "## Plain QEMU\n\n```sh\n{qemu}\n```\n\n\
                 QEMU exits when the guest powers off (PSCI SYSTEM_OFF) after its final record.\n\n\
                 ## A Xen host (`xl`)\n\n\
                 ```\nkernel = \"{image}\"\ncmdline = \"{cmdline}\"\nmemory = 256\nvcpus = {cpus}\n\
                 gic_version = \"{gic}\"\nvuart = \"sbsa_uart\"\non_poweroff = \"destroy\"\n```\n\n\
                 then `xl create -c` (or `xl console -t vuart`) and save the console. A dom0less domU: \
                 the image as the domain's `multiboot,kernel` module, the command line as its `bootargs`.\n\n\
                 ## Any KVM VMM (crosvm, cloud-hypervisor, Firecracker, your own)\n\n\
                 What the guest needs: RAM (any base), the image loaded 2 MiB-aligned and entered at its \
                 first byte at EL1 with x0 = a device tree that describes the memory, the GIC \
                 (distributor and redistributors or CPU interface{its}), a PL011/SBSA UART \
                 (`/chosen/stdout-path`), PSCI (`hvc` or `smc`) with CPU_ON and SYSTEM_OFF, the \
                 generic timer's PPIs; the command line in `/chosen/bootargs`. {cpus} vCPUs.\n\n\
                 ## A board (U-Boot or UEFI)\n\n\
                 U-Boot: `load` the image to a 2 MiB-aligned RAM address, set `bootargs` to the \
                 command line, `booti <addr> - ${{fdtcontroladdr}}`. UEFI: the image is not a PE/COFF \
                 application; load it through U-Boot's `booti`, or a Linux-style loader that passes \
                 the device tree. The serial console is the device tree's stdout.",
                cpus = target.shape.cpus,
                gic = if target.shape.gic == guest_kit::GicVersion::V2 {
                    "v2"
                } else {
                    "v3"
                },
                its = if target.shape.its {
                    ", and the ITS"
                } else {
                    ""
                },
            );
        }
        Arch::X86_64 => {
            let _ = writeln!(
                r,
                "## Plain QEMU\n\n```sh\n{qemu}\n```\n\n\
                 QEMU exits through `isa-debug-exit` after the guest's final record (status 1 is \
                 the normal end).\n\n\
                 ## A Xen host (`xl`, PVH)\n\n\
                 ```\ntype = \"pvh\"\nkernel = \"{image}\"\ncmdline = \"{cmdline}\"\nmemory = 256\n\
                 vcpus = {cpus}\nserial = \"pty\"\non_poweroff = \"destroy\"\n```\n\n\
                 ## Any KVM VMM\n\n\
                 What the guest needs: the ELF loaded at its program headers' physical addresses \
                 and entered at its PVH entry (32-bit protected mode, paging off, ebx = a PVH \
                 `hvm_start_info` whose `cmdline_paddr` holds the command line and whose `rsdp_paddr` \
                 names ACPI tables with a MADT{dmar}), a 16550 at port 0x3f8, {cpus} vCPUs.\n\n\
                 ## A board\n\n\
                 Boot it as a multiboot-less PVH kernel is not possible from most firmware: use a \
                 hypervisor or QEMU.",
                cpus = target.shape.cpus,
                dmar = if target.shape.x86.iommu {
                    " and a DMAR"
                } else {
                    ""
                },
            );
        }
    }
    r
}
