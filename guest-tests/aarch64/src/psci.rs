//! PSCI (Arm DEN 0022) by the conduit the device tree's `/psci` node names: HVC under a
//! hypervisor, SMC when the guest owns EL2 (QEMU with virtualization=on), where an HVC would hang.
//! Power off here; CPU_ON goes through aarch64-rt's `start_core` in [`crate::smp`], with
//! [`conduit`].

use core::sync::atomic::{AtomicU8, Ordering};

use smccc::{Hvc, Smc, psci};

/// How PSCI calls are made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conduit {
    /// `hvc #0`.
    Hvc,
    /// `smc #0`.
    Smc,
}

/// 0: unknown, 1: HVC, 2: SMC.
static CONDUIT: AtomicU8 = AtomicU8::new(0);

/// Records the conduit found in the device tree.
pub fn set_conduit(conduit: Conduit) {
    let code = match conduit {
        Conduit::Hvc => 1,
        Conduit::Smc => 2,
    };
    CONDUIT.store(code, Ordering::SeqCst);
}

/// The conduit recorded by [`set_conduit`], if any.
pub fn conduit() -> Option<Conduit> {
    match CONDUIT.load(Ordering::SeqCst) {
        1 => Some(Conduit::Hvc),
        2 => Some(Conduit::Smc),
        _ => None,
    }
}

/// PSCI SYSTEM_OFF (function 0x8400_0008). If that returns or there is no PSCI, waits forever
/// (the host's timeout ends the run).
pub fn system_off() -> ! {
    match conduit() {
        Some(Conduit::Hvc) => {
            let _ = psci::system_off::<Hvc>();
        }
        Some(Conduit::Smc) => {
            let _ = psci::system_off::<Smc>();
        }
        None => {}
    }
    loop {
        core::hint::spin_loop();
    }
}
