//! refvisor: irqsuite's own EL2 hypervisor. QEMU (`-machine virt,virtualization=on`) boots it
//! at EL2 as an arm64 Image; it runs the suite's test guest (loaded by QEMU at 0x4020_0000) at
//! EL1 and virtualizes its GIC with `reference-vgic`: the distributor and redistributors in
//! software (stage-2 data aborts emulated through the model's register tables), the CPU
//! interface in the hardware's virtual CPU interface, loaded through the model's list-register
//! layer (`Vgic::flush` / `Vgic::fold`, ICH_LR<n>_EL2 on GICv3, GICH_LR<n> on GICv2), with
//! maintenance interrupts bringing it back when the list registers no longer tell the whole
//! story (DESIGN.md, backend `refvisor`; seeds 000 and 002).
//!
//! Boot (CPU 0): heap, QEMU's device tree ([`dt`]), console, the physical distributor, the
//! model ([`world`]), stage 2 ([`stage2`]), the guest's device tree (QEMU's, copied into guest
//! RAM with `/memory` cut to the guest's RAM: the guest finds the same GIC, UART and PSCI in
//! it), then [`vcpu::start`]. The guest's CPU_ON starts the other physical CPUs ([`smp`]).
//!
//! Command line (QEMU `-append`, also the guest's): `refvisor.lrs=<n>` list registers used,
//! 1 to the hardware's number (default: all); `refvisor.trace=1` prints every fold and flush.
#![no_std]
#![no_main]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

mod console;
mod dt;
mod guest_uart;
mod head;
mod heap;
mod hw;
mod mmio;
mod mmu;
mod psci;
mod smp;
mod stage2;
mod stats;
mod sysreg;
mod trap;
mod vcpu;
mod vectors;
mod world;

use core::panic::PanicInfo;

use aarch64_rt::entry;
use reference_vgic::Version;

use crate::console::say;
use crate::dt::Machine;

entry!(main, 16);

/// Where QEMU loads the guest Image (`-device loader`): RAM base + its text_offset.
const GUEST_ENTRY: usize = 0x4020_0000;
/// Where refvisor copies the device tree for the guest (guest RAM, above its Image).
const GUEST_DTB: usize = 0x4700_0000;
/// The most a device tree may take there.
const GUEST_DTB_MAX: usize = 0x10_0000;
/// The arm64 Image magic at offset 0x38.
const ARM64_MAGIC: u32 = 0x644d_5241;

static MACHINE: spin::Once<Machine> = spin::Once::new();

/// The machine, once discovered.
pub fn machine() -> &'static Machine {
    MACHINE.get().expect("machine discovered at boot")
}

fn main(x0: u64, _x1: u64, _x2: u64, _x3: u64) -> ! {
    sysreg::write_tpidr_el2(0);
    heap::init();
    // SAFETY: x0 is QEMU's device tree, above refvisor's image, never written.
    let machine = match unsafe { dt::discover(x0 as usize) } {
        Ok(m) => *MACHINE.call_once(|| m),
        Err(_) => psci::system_off(),
    };
    console::init(machine.uart);
    let el = (current_el() >> 2) & 3;
    if el != 2 {
        say!("entered at EL{el}, not EL2: run QEMU with -machine virtualization=on");
        psci::system_off();
    }
    let hw = hw::Hw::new(&machine.gic);
    let hw_lrs = hw.nr_lrs().min(4);
    let nr_lr = dt::arg(machine.bootargs, "refvisor.lrs")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(hw_lrs)
        .clamp(1, hw_lrs);
    let version = match machine.gic {
        dt::Gic::V3 { .. } => Version::V3,
        dt::Gic::V2 { .. } => Version::V2,
    };
    say!(
        "EL2, {version:?}, {} vCPUs, {nr_lr} of {} list registers, guest RAM {:#x}+{:#x}",
        machine.cpus,
        hw.nr_lrs(),
        stage2::GUEST_RAM.base,
        stage2::GUEST_RAM.size
    );
    if dt::arg(machine.bootargs, "refvisor.trace") == Some("1") {
        world::trace_every_exit();
    }
    hw.init_distributor();
    smp::init(machine.cpus, &machine.mpidr);
    world::init(
        hw,
        version,
        machine.cpus,
        nr_lr,
        &machine.mpidr[..machine.cpus],
    );
    stage2::build();
    if let dt::Gic::V2 { gicc, gicv, .. } = machine.gic {
        stage2::map_gicv(gicc, gicv);
    }
    if machine.size > GUEST_DTB_MAX {
        say!("device tree of {} bytes too large", machine.size);
        psci::system_off();
    }
    // SAFETY: both ranges are RAM: QEMU's tree (its size from its header) and guest RAM above
    // the guest Image, which nothing else uses; they do not overlap (refvisor's RAM is above).
    unsafe {
        core::ptr::copy_nonoverlapping(x0 as *const u8, GUEST_DTB as *mut u8, machine.size);
    }
    // The guest's tree tells the truth about its RAM: only `GUEST_RAM` is in its stage 2.
    // SAFETY: QEMU's tree, as above.
    match unsafe { dt::memory_size_cells(x0 as usize) } {
        Some((offset, cells)) => {
            let size = stage2::GUEST_RAM.size as u64;
            let bytes = size.to_be_bytes();
            // SAFETY: `offset .. offset + cells` lies inside the copied tree (its `/memory`
            // reg property), in guest RAM that nothing else uses yet.
            unsafe {
                core::ptr::copy_nonoverlapping(
                    bytes[8 - cells..].as_ptr(),
                    (GUEST_DTB + offset) as *mut u8,
                    cells,
                );
            }
        }
        None => say!("no /memory reg in the device tree: the guest's RAM size is QEMU's"),
    }
    // SAFETY: guest RAM, where QEMU's loader put the Image.
    let magic = unsafe { core::ptr::read_volatile((GUEST_ENTRY + 0x38) as *const u32) };
    if magic != ARM64_MAGIC {
        say!("no guest Image at {GUEST_ENTRY:#x} (load it with -device loader)");
        psci::system_off();
    }
    let stack_top = boot_stack_top();
    vcpu::start(0, GUEST_ENTRY as u64, GUEST_DTB as u64, stack_top)
}

fn current_el() -> u64 {
    let el: u64;
    // SAFETY: reads CurrentEL, no side effect.
    unsafe { core::arch::asm!("mrs {}, CurrentEL", out(reg) el, options(nomem, nostack)) };
    el
}

/// The top of the boot stack (aarch64-rt's `boot_stack_end`): CPU 0's EL2 stack for traps.
fn boot_stack_top() -> u64 {
    let top: u64;
    // SAFETY: takes a linker symbol's address.
    unsafe {
        core::arch::asm!("adrp {0}, boot_stack_end", "add {0}, {0}, :lo12:boot_stack_end",
                         out(reg) top, options(nomem, nostack));
    }
    top
}

/// Prints the panic on refvisor's console and powers off.
#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    say!("panic: {info}");
    psci::system_off()
}
