//! Setting a physical CPU up for its vCPU and entering the guest: the EL2 vectors, the
//! physical GIC's CPU interface and the virtual interface, stage 2, HCR_EL2, the identity the
//! guest reads (VMPIDR_EL2, VPIDR_EL2) and its timer access (CNTHCTL_EL2).

use crate::console::say;
use crate::{smp, stage2, sysreg, vectors, world};

/// HCR_EL2 (Arm ARM D19.2): VM [0] stage 2 on, SWIO [1], FMO [3], IMO [4] and AMO [5] (physical
/// interrupts to EL2, the guest's ICC_* accesses to the virtual CPU interface, its SGI writes
/// trapped), TSC [19] (the guest's SMC, its PSCI calls, trapped), RW [31] (EL1 is AArch64).
const HCR: u64 = (1 << 0) | (1 << 1) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 19) | (1 << 31);

/// CNTHCTL_EL2: EL1PCTEN [0], EL1PCEN [1]: the guest reads the physical counter untrapped.
const CNTHCTL: u64 = 0b11;

/// Sets this CPU up for vCPU `cpu` and enters the guest at `entry` with x0 = `x0`; traps use
/// the EL2 stack from `stack_top` down.
pub fn start(cpu: usize, entry: u64, x0: u64, stack_top: u64) -> ! {
    sysreg::write_tpidr_el2(cpu as u64);
    vectors::install();
    if let Err(why) = world::hw().init_cpu() {
        say!("cpu {cpu}: {why}");
        crate::psci::system_off();
    }
    stage2::install();
    sysreg::write_vmpidr_el2(sysreg::read_mpidr_el1());
    sysreg::write_vpidr_el2(sysreg::read_midr_el1());
    sysreg::write_cnthctl_el2(CNTHCTL);
    sysreg::write_cntvoff_el2(0);
    sysreg::write_hcr_el2(HCR);
    smp::set_running(cpu);
    // SAFETY: HCR_EL2, stage 2 and the vGIC of this CPU are set up above; `stack_top` is this
    // CPU's own stack, whose frames below are abandoned.
    unsafe { vectors::enter_guest(x0, entry, stack_top) }
}
