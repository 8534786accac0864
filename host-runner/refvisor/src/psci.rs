//! The guest's PSCI calls (Arm DEN 0022D), trapped by HCR_EL2.TSC: CPU_ON and AFFINITY_INFO are
//! refvisor's (vCPUs on physical CPUs, `smp`); everything else, SYSTEM_OFF among them, is passed
//! to QEMU's PSCI with the same registers.

use core::arch::asm;

use crate::console::say;
use crate::vectors::Frame;
use crate::{smp, world};

const CPU_ON_32: u32 = 0x8400_0003;
const CPU_ON_64: u32 = 0xc400_0003;
const AFFINITY_INFO_32: u32 = 0x8400_0004;
const AFFINITY_INFO_64: u32 = 0xc400_0004;
const SYSTEM_OFF: u32 = 0x8400_0008;

/// Handles the guest's SMC with function ID x0, arguments x1-x3; results in x0-x3.
pub fn handle(frame: &mut Frame) {
    let function = frame.get(0) as u32;
    match function {
        CPU_ON_32 | CPU_ON_64 => {
            let r = smp::cpu_on(frame.get(1), frame.get(2), frame.get(3));
            frame.set(0, r as u64);
        }
        AFFINITY_INFO_32 | AFFINITY_INFO_64 => {
            frame.set(0, smp::affinity_info(frame.get(1)) as u64);
        }
        SYSTEM_OFF => {
            say!("lr total {}", world::total_stats());
            say!("guest powered off");
            system_off();
        }
        _ => {
            let r = forward([frame.get(0), frame.get(1), frame.get(2), frame.get(3)]);
            for (i, v) in r.into_iter().enumerate() {
                frame.set(i, v);
            }
        }
    }
}

/// A PSCI call of refvisor's own to QEMU (SMC from EL2).
fn forward(args: [u64; 4]) -> [u64; 4] {
    let [mut x0, mut x1, mut x2, mut x3] = args;
    // SAFETY: an SMC to the firmware's PSCI (QEMU's, no EL3 code); it touches no memory of ours.
    unsafe {
        asm!("smc #0", inout("x0") x0, inout("x1") x1, inout("x2") x2, inout("x3") x3,
             options(nostack));
    }
    [x0, x1, x2, x3]
}

/// PSCI SYSTEM_OFF: QEMU exits.
pub fn system_off() -> ! {
    forward([u64::from(SYSTEM_OFF), 0, 0, 0]);
    loop {
        core::hint::spin_loop();
    }
}
