//! The VM's interrupt controllers and the guest's requests to the host they serve.
//!
//! - `irqchip`: `KVM_CREATE_IRQCHIP` (KVM's PIC, IOAPIC and local APICs, created before any
//!   vCPU). A `line <gsi> <level>` request is `KVM_IRQ_LINE` on that GSI, which KVM's default
//!   routing sends to IOAPIC pin `gsi` (and, for 0-15, to the PIC the guest masks).
//! - `split`: `KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP, 24)` (KVM's local APICs only). The IOAPIC is
//!   reference-vtd's [`IoApic`] here in the VMM: the guest's accesses to its window exit as MMIO,
//!   a request drives its pin, and every message it sends is injected with `KVM_SIGNAL_MSI`.
//!   KVM learns which vectors are level-triggered IOAPIC vectors from MSI routes for GSIs 0-23
//!   (one per redirection entry, re-set when the guest rewrites an entry), and reports the
//!   guest's EOI of such a vector as `KVM_EXIT_IOAPIC_EOI`, which clears remote IRR in the model
//!   (and re-sends while the pin stays asserted). (Documentation/virt/kvm/api.rst:
//!   KVM_CAP_SPLIT_IRQCHIP, KVM_SET_GSI_ROUTING, KVM_SIGNAL_MSI, KVM_EXIT_IOAPIC_EOI.)
//!
//! An `xmsi <address> <data> <source-id>` request writes `data` to the 32-bit MSI `address` as a
//! device would (SDM vol. 3 §11.11), with `KVM_SIGNAL_MSI`, on both targets; the source-id is
//! dropped (the VM has no IOMMU to check it, and KVM/x86 takes no requester ID). A GIC device
//! MSI (`msi <device> <event>`) is refused: there is no ITS.

use std::sync::{Arc, Mutex};

use guest_kit::inject::{Inject, Refused};
use kvm_bindings::{
    KVM_CAP_SPLIT_IRQCHIP, KVM_IRQ_ROUTING_MSI, KvmIrqRouting, kvm_enable_cap,
    kvm_irq_routing_entry, kvm_irq_routing_entry__bindgen_ty_1, kvm_irq_routing_msi, kvm_msi,
};
use kvm_ioctls::VmFd;
use reference_vtd::{IOAPIC_PINS, IoApic, IoapicMessage, Vector};

use crate::config::X86Chip;

use super::acpi::IOAPIC_ID;

/// A GSI with no IOAPIC pin.
const NO_PIN: Refused = Refused("the IOAPIC has no pin for that GSI");
/// KVM refused the MSI.
const MSI_FAILED: Refused = Refused("KVM_SIGNAL_MSI failed");

/// The VM's interrupt controllers.
pub enum Chip {
    /// KVM's PIC, IOAPIC and local APICs.
    InKernel {
        /// The VM.
        vm: Arc<VmFd>,
    },
    /// KVM's local APICs and the VMM's IOAPIC.
    Split {
        /// The VM.
        vm: Arc<VmFd>,
        /// The IOAPIC and the MSI routes KVM has for its pins.
        ioapic: Box<Mutex<SplitIoapic>>,
    },
}

/// The split target's IOAPIC and what KVM last heard of its entries.
pub struct SplitIoapic {
    model: IoApic,
    routes: [(u32, u32); IOAPIC_PINS],
}

impl Chip {
    /// Creates the controllers of `target` on `vm`; before any vCPU exists.
    pub fn create(vm: Arc<VmFd>, target: X86Chip) -> Result<Chip, String> {
        match target {
            X86Chip::Irqchip => {
                vm.create_irq_chip()
                    .map_err(|e| format!("KVM_CREATE_IRQCHIP: {e}"))?;
                Ok(Chip::InKernel { vm })
            }
            X86Chip::Split => {
                let cap = kvm_enable_cap {
                    cap: KVM_CAP_SPLIT_IRQCHIP,
                    args: [IOAPIC_PINS as u64, 0, 0, 0],
                    ..Default::default()
                };
                vm.enable_cap(&cap)
                    .map_err(|e| format!("KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP, 24): {e}"))?;
                let model = IoApic::new(IOAPIC_ID);
                let mut split = SplitIoapic {
                    model,
                    routes: [(0, 0); IOAPIC_PINS],
                };
                set_routes(&vm, &mut split, true)?;
                Ok(Chip::Split {
                    vm,
                    ioapic: Box::new(Mutex::new(split)),
                })
            }
        }
    }

    /// Carries out `request`.
    pub fn serve(&self, request: Inject) -> Result<(), Refused> {
        match request {
            Inject::Line { intid, high } => self.line(intid, high),
            Inject::X86Msi { address, data, .. } => self.msi(address, data),
            Inject::Msi { .. } => Err(request.refusal().1),
        }
    }

    /// Drives GSI `gsi` (IOAPIC pin `gsi`) to `high`.
    fn line(&self, gsi: u32, high: bool) -> Result<(), Refused> {
        let pin = usize::try_from(gsi)
            .ok()
            .filter(|&p| p < IOAPIC_PINS)
            .ok_or(NO_PIN)?;
        match self {
            Chip::InKernel { vm } => vm.set_irq_line(gsi, high).map_err(|e| {
                eprintln!("irqsuite-vmm: KVM_IRQ_LINE {gsi} {high}: {e}");
                Inject::Line { intid: gsi, high }.refusal().1
            }),
            Chip::Split { vm, ioapic } => {
                let mut ioapic = ioapic.lock().unwrap_or_else(|e| e.into_inner());
                let sent = ioapic.model.set_line(pin, high);
                sent.into_iter().try_for_each(|m| send(vm, m))
            }
        }
    }

    /// Writes `data` to MSI address `address`.
    fn msi(&self, address: u32, data: u32) -> Result<(), Refused> {
        let vm = match self {
            Chip::InKernel { vm } | Chip::Split { vm, .. } => vm,
        };
        signal(vm, address, data)
    }

    /// A read of the IOAPIC window at `offset`; `None` when the IOAPIC is KVM's (the access
    /// reached no device).
    pub fn ioapic_read(&self, offset: u32, width: u8) -> Option<u32> {
        let Chip::Split { ioapic, .. } = self else {
            return None;
        };
        let ioapic = ioapic.lock().unwrap_or_else(|e| e.into_inner());
        Some(ioapic.model.read(offset, width).unwrap_or_else(|why| {
            eprintln!("irqsuite-vmm: IOAPIC read at {offset:#x}/{width} ignored: {why:?}");
            0
        }))
    }

    /// A write of the IOAPIC window at `offset`; `false` when the IOAPIC is KVM's.
    pub fn ioapic_write(&self, offset: u32, width: u8, value: u32) -> bool {
        let Chip::Split { vm, ioapic } = self else {
            return false;
        };
        let mut ioapic = ioapic.lock().unwrap_or_else(|e| e.into_inner());
        match ioapic.model.write(offset, width, value) {
            Ok(sent) => {
                if let Err(e) = set_routes(vm, &mut ioapic, false) {
                    eprintln!("irqsuite-vmm: {e}");
                }
                for message in sent {
                    let _ = send(vm, message);
                }
            }
            Err(why) => eprintln!(
                "irqsuite-vmm: IOAPIC write of {value:#x} at {offset:#x}/{width} ignored: {why:?}"
            ),
        }
        true
    }

    /// The guest's EOI of `vector`, which KVM reports for the split IOAPIC's level vectors.
    pub fn ioapic_eoi(&self, vector: u8) {
        if let Chip::Split { vm, ioapic } = self {
            let mut ioapic = ioapic.lock().unwrap_or_else(|e| e.into_inner());
            for message in ioapic.model.eoi(Vector(vector)) {
                let _ = send(vm, message);
            }
        }
    }
}

/// Sends an IOAPIC message as an MSI.
fn send(vm: &VmFd, message: IoapicMessage) -> Result<(), Refused> {
    signal(vm, message.address.0, message.data.0)
}

/// `KVM_SIGNAL_MSI`: 0 means no local APIC accepted it (masked, no such destination), which
/// the guest judges; an error means the message never reached the APIC bus.
fn signal(vm: &VmFd, address: u32, data: u32) -> Result<(), Refused> {
    let msi = kvm_msi {
        address_lo: address,
        data,
        ..Default::default()
    };
    vm.signal_msi(msi).map(drop).map_err(|e| {
        eprintln!("irqsuite-vmm: KVM_SIGNAL_MSI {address:#x} {data:#x}: {e}");
        MSI_FAILED
    })
}

/// Gives KVM an MSI route per IOAPIC pin with the message its entry sends, when an entry
/// changed since KVM last heard (or `always`): KVM scans these routes for level-triggered
/// vectors to report EOIs of.
fn set_routes(vm: &VmFd, ioapic: &mut SplitIoapic, always: bool) -> Result<(), String> {
    let mut routes = [(0, 0); IOAPIC_PINS];
    for (pin, route) in routes.iter_mut().enumerate() {
        if let Some(entry) = ioapic.model.entry(pin) {
            let (address, data) = entry.message();
            *route = (address.0, data.0);
        }
    }
    if !always && routes == ioapic.routes {
        return Ok(());
    }
    let mut table = KvmIrqRouting::new(IOAPIC_PINS)
        .map_err(|e| format!("allocating {IOAPIC_PINS} GSI routes: {e:?}"))?;
    for (gsi, (entry, &(address_lo, data))) in
        (0u32..).zip(table.as_mut_slice().iter_mut().zip(&routes))
    {
        *entry = kvm_irq_routing_entry {
            gsi,
            type_: KVM_IRQ_ROUTING_MSI,
            flags: 0,
            pad: 0,
            u: kvm_irq_routing_entry__bindgen_ty_1 {
                msi: kvm_irq_routing_msi {
                    address_lo,
                    address_hi: 0,
                    data,
                    ..Default::default()
                },
            },
        };
    }
    vm.set_gsi_routing(&table)
        .map_err(|e| format!("KVM_SET_GSI_ROUTING for the IOAPIC's pins: {e}"))?;
    ioapic.routes = routes;
    Ok(())
}
