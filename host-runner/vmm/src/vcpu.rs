//! The vCPUs: `KVM_ARM_VCPU_INIT` with KVM's preferred target and PSCI 0.2 (secondaries
//! powered off until the guest's PSCI CPU_ON, which KVM handles), the boot registers of vCPU 0
//! (pc = the Image, x0 = the device tree), and the run loop of each vCPU, on its own thread:
//! UART accesses are emulated (a request record the guest prints is served there and then, and
//! its answer queued as UART input), PSCI SYSTEM_OFF (a system event) ends the VM.

use std::io::Write;
use std::sync::Mutex;

use kvm_bindings::{
    KVM_ARM_VCPU_POWER_OFF, KVM_ARM_VCPU_PSCI_0_2, KVM_REG_ARM_CORE, KVM_REG_ARM64,
    KVM_REG_SIZE_U64, KVM_SYSTEM_EVENT_CRASH, KVM_SYSTEM_EVENT_RESET, KVM_SYSTEM_EVENT_SHUTDOWN,
    kvm_vcpu_init,
};
use kvm_ioctls::{VcpuExit, VcpuFd, VmFd};

use crate::injector::Injector;
use crate::uart::Pl011;
use crate::{layout, requests};

/// A core register's id: `KVM_REG_ARM_CORE` and its offset in `struct kvm_regs`, in 32-bit
/// words (Documentation/virt/kvm/api.rst, KVM_SET_ONE_REG for arm64).
const fn core_reg(offset_bytes: u64) -> u64 {
    KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE as u64 | (offset_bytes / 4)
}
/// x0: `regs.regs[0]`.
const REG_X0: u64 = core_reg(0);
/// pc: after `regs[31]` and `sp`.
const REG_PC: u64 = core_reg(8 * 32);

/// Creates vCPU `id` and initialises it; all but vCPU 0 start powered off.
pub fn create(vm: &VmFd, id: u8) -> Result<VcpuFd, String> {
    let vcpu = vm
        .create_vcpu(id.into())
        .map_err(|e| format!("KVM_CREATE_VCPU {id}: {e}"))?;
    let mut init = kvm_vcpu_init::default();
    vm.get_preferred_target(&mut init)
        .map_err(|e| format!("KVM_ARM_PREFERRED_TARGET: {e}"))?;
    init.features[0] |= 1 << KVM_ARM_VCPU_PSCI_0_2;
    if id != 0 {
        init.features[0] |= 1 << KVM_ARM_VCPU_POWER_OFF;
    }
    vcpu.vcpu_init(&init)
        .map_err(|e| format!("KVM_ARM_VCPU_INIT {id}: {e}"))?;
    Ok(vcpu)
}

/// Points the boot vCPU at the Image's entry with the device tree in x0 (the arm64 boot
/// protocol; KVM_ARM_VCPU_INIT already put it at EL1 with interrupts masked).
pub fn set_boot_registers(vcpu: &VcpuFd, entry: u64, dtb: u64) -> Result<(), String> {
    for (id, value, name) in [(REG_X0, dtb, "x0"), (REG_PC, entry, "pc")] {
        vcpu.set_one_reg(id, &value.to_le_bytes())
            .map_err(|e| format!("KVM_SET_ONE_REG {name}: {e}"))?;
    }
    Ok(())
}

/// How a vCPU's run ended.
pub type Ended = Result<String, String>;

/// Runs `vcpu` (number `id`) until the guest ends the VM or something fails; `uart` is shared
/// by all vCPUs, and so is `injector`, which serves the requests the guest prints.
pub fn run(mut vcpu: VcpuFd, id: u8, uart: &Mutex<Pl011>, injector: &Injector) -> Ended {
    loop {
        match vcpu.run() {
            Ok(VcpuExit::MmioWrite(addr, data)) => {
                if layout::UART.contains(addr) {
                    let value = le_value(data) as u32;
                    let mut uart = uart.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(line) = uart.write(addr - layout::UART.base, value) {
                        let mut out = std::io::stdout().lock();
                        let _ = out.write_all(&line);
                        let _ = out.flush();
                        if let Some((number, request)) = requests::request_in(&line) {
                            let served = injector.serve(request, id);
                            uart.receive(requests::answer(number, request, served).as_bytes());
                        }
                    }
                } else {
                    eprintln!(
                        "irqsuite-vmm: vCPU {id}: write of {data:02x?} to unbacked {addr:#x} ignored"
                    );
                }
            }
            Ok(VcpuExit::MmioRead(addr, data)) => {
                let value = if layout::UART.contains(addr) {
                    let mut uart = uart.lock().unwrap_or_else(|e| e.into_inner());
                    u64::from(uart.read(addr - layout::UART.base))
                } else {
                    eprintln!("irqsuite-vmm: vCPU {id}: read of unbacked {addr:#x} returns 0");
                    0
                };
                let bytes = value.to_le_bytes();
                let n = data.len().min(8);
                data[..n].copy_from_slice(&bytes[..n]);
            }
            Ok(VcpuExit::SystemEvent(kind, data)) => {
                let what = match kind {
                    KVM_SYSTEM_EVENT_SHUTDOWN => "PSCI SYSTEM_OFF",
                    KVM_SYSTEM_EVENT_RESET => "PSCI SYSTEM_RESET",
                    KVM_SYSTEM_EVENT_CRASH => "a crash",
                    _ => "a system event",
                };
                let what =
                    format!("vCPU {id}: the guest ended with {what} (type {kind}, {data:x?})");
                return if kind == KVM_SYSTEM_EVENT_SHUTDOWN {
                    Ok(what)
                } else {
                    Err(what)
                };
            }
            Ok(other) => return Err(format!("vCPU {id}: unexpected exit {other:?}")),
            Err(e) if e.errno() == libc::EINTR || e.errno() == libc::EAGAIN => {}
            Err(e) => return Err(format!("vCPU {id}: KVM_RUN: {e}")),
        }
    }
}

/// A little-endian MMIO access's value.
fn le_value(data: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    let n = data.len().min(8);
    bytes[..n].copy_from_slice(&data[..n]);
    u64::from_le_bytes(bytes)
}
