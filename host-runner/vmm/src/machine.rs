//! The VMs of one boot, one after another; each from start to end in the order KVM/arm64 wants
//! it: the VM, its RAM, every vCPU (`KVM_ARM_VCPU_INIT`), then the vGIC (and vITS), then the
//! Image and the device tree, then the vCPU threads; the first vCPU to end the VM (PSCI
//! SYSTEM_OFF, or an error) ends it. A VM that ends in an error ends the boot (the host boots
//! again for what is left); after a clean end the next VM starts.
//!
//! A finished VM's other vCPU threads stay parked in `KVM_RUN` (KVM stops every vCPU on
//! SYSTEM_OFF) with its file descriptors until the machine powers off: a few per VM, and a boot
//! runs at most one VM per target.

use std::sync::{Arc, Mutex, mpsc};
use std::time::Instant;

use kvm_ioctls::Kvm;

use crate::config::{self, Config, Gic};
use crate::injector::Injector;
use crate::uart::Pl011;
use crate::{devicetree, layout, ram, system, vcpu, vgic};

/// Where the initramfs holds the test guest.
const GUEST_IMAGE: &str = "/guest.img";

/// Runs the VMs the kernel command line asks for; returns how the last one ended.
pub fn run() -> Result<String, String> {
    let start = Instant::now();
    system::mount_devtmpfs().map_err(|e| format!("mounting devtmpfs on /dev: {e}"))?;
    let cmdline = system::kernel_cmdline()?;
    let vms = config::from_cmdline::<Gic>(&cmdline)?;
    let image = std::fs::read(GUEST_IMAGE).map_err(|e| format!("{GUEST_IMAGE}: {e}"))?;
    let kvm = Kvm::new().map_err(|e| format!("opening /dev/kvm: {e}"))?;
    let mut ended = String::new();
    for (n, config) in vms.iter().enumerate() {
        ended = run_vm(&kvm, config, &image, start)?;
        eprintln!("irqsuite-vmm: VM {} of {}: {ended}", n + 1, vms.len());
    }
    Ok(ended)
}

/// Runs one VM with `image` as its guest until it ends.
fn run_vm(kvm: &Kvm, config: &Config, image: &[u8], start: Instant) -> Result<String, String> {
    let entry = layout::image_address(image, image.len() as u64)?;
    let vm = Arc::new(kvm.create_vm().map_err(|e| format!("KVM_CREATE_VM: {e}"))?);
    let ram = ram::GuestRam::new(&vm, layout::RAM)?;
    let vcpus = (0..config.cpus)
        .map(|id| vcpu::create(&vm, id))
        .collect::<Result<Vec<_>, _>>()?;
    let _vgic = vgic::create(&vm, config)?;

    let dtb = devicetree::device_tree(config).map_err(|e| format!("device tree: {e}"))?;
    ram.write(entry, image)?;
    ram.write(layout::DTB.base, &dtb)?;
    vcpu::set_boot_registers(&vcpus[0], entry, layout::DTB.base)?;
    eprintln!(
        "irqsuite-vmm: {:?} with {} vCPUs ready in {} ms, guest at {entry:#x}, bootargs {:?}",
        config.target,
        config.cpus,
        start.elapsed().as_millis(),
        config.bootargs
    );

    let uart = Arc::new(Mutex::new(Pl011::default()));
    let injector = Arc::new(Injector::new(Arc::clone(&vm), config.target == Gic::V3Its));
    let (ended, first_end) = mpsc::channel();
    for (id, fd) in (0u8..).zip(vcpus) {
        let uart = Arc::clone(&uart);
        let injector = Arc::clone(&injector);
        let ended = ended.clone();
        std::thread::Builder::new()
            .name(format!("vcpu{id}"))
            .spawn(move || {
                let _ = ended.send(vcpu::run(fd, id, &uart, &injector));
            })
            .map_err(|e| format!("starting the thread of vCPU {id}: {e}"))?;
    }
    drop(ended);
    let outcome = first_end
        .recv()
        .map_err(|_| "every vCPU thread ended without a word".to_owned())?;
    let rest = uart.lock().unwrap_or_else(|e| e.into_inner()).flush();
    if !rest.is_empty() {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&rest);
        let _ = out.write_all(b"\n");
    }
    outcome.map(|how| format!("{how}, {} ms after start", start.elapsed().as_millis()))
}
