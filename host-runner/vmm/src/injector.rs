//! Serving the guest's requests through KVM: `KVM_IRQ_LINE` drives an SPI or PPI line of the
//! in-kernel vGIC (the level stays until the guest asks for the other one, so level-sensitive
//! interrupts see a real line), `KVM_SIGNAL_MSI` with `KVM_MSI_VALID_DEVID` writes an EventID
//! to the vITS's GITS_TRANSLATER as a device (Documentation/virt/kvm/api.rst, KVM_IRQ_LINE and
//! KVM_SIGNAL_MSI for arm64).

use std::sync::Arc;

use guest_kit::inject::{Inject, Refused};
use kvm_bindings::{KVM_MSI_VALID_DEVID, kvm_msi};
use kvm_ioctls::VmFd;

use crate::requests;

/// What the VM can be asked to do.
pub struct Injector {
    vm: Arc<VmFd>,
    its: bool,
}

/// A line outside the SPI and PPI ranges.
const NO_LINE: Refused = Refused("no interrupt line has that INTID");
/// An MSI write that no vITS claimed.
const UNCLAIMED: Refused = Refused("KVM_SIGNAL_MSI failed: no vITS claimed the doorbell");
/// An MSI on a VM without an ITS.
const NO_ITS: Refused = Refused("the VM has no ITS to send a device MSI to");

impl Injector {
    /// Serves requests on `vm`, which has a vITS when `its` says so.
    pub fn new(vm: Arc<VmFd>, its: bool) -> Injector {
        Injector { vm, its }
    }

    /// Carries out `request`, made by vCPU `cpu`.
    pub fn serve(&self, request: Inject, cpu: u8) -> Result<(), Refused> {
        match request {
            Inject::Line { intid, high } => {
                let irq = requests::irq_line(intid, cpu).ok_or(NO_LINE)?;
                self.vm.set_irq_line(irq, high).map_err(|e| {
                    eprintln!("irqsuite-vmm: KVM_IRQ_LINE {irq:#x} {high}: {e}");
                    request.refusal().1
                })
            }
            // An Arm VM has no x86 MSI path.
            Inject::X86Msi { .. } => Err(request.refusal().1),
            Inject::Msi { device, event } => {
                if !self.its {
                    return Err(NO_ITS);
                }
                let doorbell = requests::msi_doorbell();
                let msi = kvm_msi {
                    address_lo: doorbell as u32,
                    address_hi: (doorbell >> 32) as u32,
                    data: event,
                    flags: KVM_MSI_VALID_DEVID,
                    devid: device,
                    ..Default::default()
                };
                // 1: translated and delivered; 0: the ITS dropped it (disabled, unmapped), which
                // is what the guest judges. An error means the write never reached the vITS.
                self.vm.signal_msi(msi).map(drop).map_err(|e| {
                    eprintln!("irqsuite-vmm: KVM_SIGNAL_MSI dev {device} ev {event}: {e}");
                    UNCLAIMED
                })
            }
        }
    }
}
