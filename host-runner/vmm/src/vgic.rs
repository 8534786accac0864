//! The in-kernel interrupt controller: `KVM_CREATE_DEVICE` of a vGICv2 or vGICv3 (then a vITS),
//! its addresses, 288 INTIDs, and `KVM_DEV_ARM_VGIC_CTRL_INIT` — after the vCPUs exist, the order
//! KVM wants.

use kvm_bindings::{
    KVM_DEV_ARM_VGIC_CTRL_INIT, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_DEV_ARM_VGIC_GRP_CTRL,
    KVM_DEV_ARM_VGIC_GRP_NR_IRQS, KVM_VGIC_ITS_ADDR_TYPE, KVM_VGIC_V2_ADDR_TYPE_CPU,
    KVM_VGIC_V2_ADDR_TYPE_DIST, KVM_VGIC_V3_ADDR_TYPE_DIST, KVM_VGIC_V3_ADDR_TYPE_REDIST,
    kvm_create_device, kvm_device_attr, kvm_device_type_KVM_DEV_TYPE_ARM_VGIC_ITS,
    kvm_device_type_KVM_DEV_TYPE_ARM_VGIC_V2, kvm_device_type_KVM_DEV_TYPE_ARM_VGIC_V3,
};
use kvm_ioctls::{DeviceFd, VmFd};

use crate::config::{Config, Gic};
use crate::layout;

/// The devices, kept open for the VM's life.
pub struct Vgic {
    /// The distributor, redistributors or CPU interface.
    _gic: DeviceFd,
    /// The ITS, when the target has one.
    _its: Option<DeviceFd>,
}

/// Creates and initialises the interrupt controller `config` asks for, on a VM whose vCPUs all
/// exist already.
pub fn create(vm: &VmFd, config: &Config) -> Result<Vgic, String> {
    let (kind, name) = match config.target {
        Gic::V2 => (kvm_device_type_KVM_DEV_TYPE_ARM_VGIC_V2, "vGICv2"),
        Gic::V3 | Gic::V3Its => (kvm_device_type_KVM_DEV_TYPE_ARM_VGIC_V3, "vGICv3"),
    };
    let gic = device(vm, kind, name)?;
    match config.target {
        Gic::V2 => {
            set_u64(
                &gic,
                KVM_DEV_ARM_VGIC_GRP_ADDR,
                KVM_VGIC_V2_ADDR_TYPE_DIST,
                layout::GICD.base,
            )?;
            set_u64(
                &gic,
                KVM_DEV_ARM_VGIC_GRP_ADDR,
                KVM_VGIC_V2_ADDR_TYPE_CPU,
                layout::GICC.base,
            )?;
        }
        Gic::V3 | Gic::V3Its => {
            set_u64(
                &gic,
                KVM_DEV_ARM_VGIC_GRP_ADDR,
                KVM_VGIC_V3_ADDR_TYPE_DIST,
                layout::GICD.base,
            )?;
            set_u64(
                &gic,
                KVM_DEV_ARM_VGIC_GRP_ADDR,
                KVM_VGIC_V3_ADDR_TYPE_REDIST,
                layout::GICR_BASE,
            )?;
        }
    }
    let nr_irqs: u32 = layout::NR_IRQS;
    set(
        &gic,
        KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
        0,
        &nr_irqs as *const u32 as u64,
        "NR_IRQS",
    )?;
    set(
        &gic,
        KVM_DEV_ARM_VGIC_GRP_CTRL,
        KVM_DEV_ARM_VGIC_CTRL_INIT,
        0,
        "CTRL_INIT",
    )?;

    let its = if config.target == Gic::V3Its {
        let its = device(vm, kvm_device_type_KVM_DEV_TYPE_ARM_VGIC_ITS, "vITS")?;
        set_u64(
            &its,
            KVM_DEV_ARM_VGIC_GRP_ADDR,
            KVM_VGIC_ITS_ADDR_TYPE,
            layout::ITS.base,
        )?;
        set(
            &its,
            KVM_DEV_ARM_VGIC_GRP_CTRL,
            KVM_DEV_ARM_VGIC_CTRL_INIT,
            0,
            "ITS CTRL_INIT",
        )?;
        Some(its)
    } else {
        None
    };
    Ok(Vgic {
        _gic: gic,
        _its: its,
    })
}

fn device(vm: &VmFd, kind: u32, name: &str) -> Result<DeviceFd, String> {
    let mut request = kvm_create_device {
        type_: kind,
        fd: 0,
        flags: 0,
    };
    vm.create_device(&mut request)
        .map_err(|e| format!("KVM_CREATE_DEVICE {name}: {e}"))
}

/// Sets a 64-bit attribute (an address).
fn set_u64(device: &DeviceFd, group: u32, attr: u32, value: u64) -> Result<(), String> {
    set(device, group, attr, &value as *const u64 as u64, "address")
        .map_err(|e| format!("{e} {value:#x}"))
}

/// `KVM_SET_DEVICE_ATTR`; `addr` points at the value (it must outlive the call).
fn set(device: &DeviceFd, group: u32, attr: u32, addr: u64, what: &str) -> Result<(), String> {
    let attr = kvm_device_attr {
        flags: 0,
        group,
        attr: attr.into(),
        addr,
    };
    device.set_device_attr(&attr).map_err(|e| {
        format!(
            "KVM_SET_DEVICE_ATTR {what} (group {group}, attr {}): {e}",
            attr.attr
        )
    })
}
