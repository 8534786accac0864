//! The two seams below a case: [`Platform`] (raw register access, untraced) and [`Trace`] (where
//! observations go).

use crate::{Observation, Site, TargetInfo, Width};

/// A register access that took a synchronous exception (e.g. a data abort on a hole in the
/// distributor, an UNDEFINED system register, a #GP on RDMSR of a reserved x2APIC MSR), or that
/// was not made at all because the machine has no such register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// An Arm synchronous exception.
    Abort {
        /// Exception syndrome (ESR_EL1).
        esr: u64,
        /// Faulting address (FAR_EL1).
        far: u64,
    },
    /// An x86 exception (Intel SDM vol. 3 §6.15).
    X86 {
        /// The vector (13: #GP).
        vector: crate::Vector,
        /// The error code pushed (0 when the exception has none).
        error_code: u32,
    },
    /// No access was made: this machine has no such frame or register (recorded as an Arm-style
    /// fault with syndrome 0 and address 0).
    Absent,
}

impl Fault {
    /// The observation of this fault on `site`.
    pub fn observation(self, site: Site, width: Width) -> Observation<'static> {
        match self {
            Fault::Abort { esr, far } => Observation::Fault {
                site,
                width,
                esr,
                far,
            },
            Fault::Absent => Observation::Fault {
                site,
                width,
                esr: 0,
                far: 0,
            },
            Fault::X86 { vector, error_code } => Observation::X86Fault {
                site,
                width,
                vector,
                error_code,
            },
        }
    }
}

/// Raw, untraced access to the interrupt controller and timer of one machine.
///
/// Implemented by the aarch64 guest (single `ldr`/`str` per MMIO access, so a hypervisor can
/// decode every trap) and by the host runner on top of the reference model.
pub trait Platform {
    /// What discovery found.
    fn info(&self) -> TargetInfo;
    /// Reads `site` with an access of `width`.
    fn read(&mut self, site: Site, width: Width) -> Result<u64, Fault>;
    /// Writes `value` to `site` with an access of `width`.
    fn write(&mut self, site: Site, width: Width, value: u64) -> Result<(), Fault>;
    /// Writes `data` to guest memory at `gpa` (inside the arena of [`TargetInfo::arena`]), for
    /// the tables the interrupt controller reads (ITS command queue, device and collection
    /// tables, ITTs, LPI configuration and pending tables). Visible to the interrupt controller
    /// once this returns.
    fn mem_write(&mut self, gpa: u64, data: &[u8]) -> Result<(), Fault>;
    /// Reads guest memory at `gpa` into `buf`.
    fn mem_read(&mut self, gpa: u64, buf: &mut [u8]) -> Result<(), Fault>;
    /// Asks the host to act (drive a line, send an MSI) and returns once it has, or why it will
    /// not. The reference model acts at once.
    fn inject(&mut self, request: crate::inject::Inject) -> Result<(), crate::inject::Refused>;
    /// Lets time pass: a barrier and a short wait on a machine, one tick of injected time on the
    /// model. Polling loops call this between polls.
    fn delay(&mut self);
    /// Runs `f` on CPU `cpu` (index in discovery order; 0 is the boot CPU) and waits for it to
    /// finish: inside `f`, the CPU interface, the banked distributor registers and the timer are
    /// that CPU's. `Err` when the CPU is not online.
    fn on_cpu(&mut self, cpu: u8, f: &mut dyn FnMut(&mut dyn Platform)) -> Result<(), CpuOffline>;
    /// x86: opens an interrupt window on the calling CPU (RFLAGS.IF = 1), waits until it has
    /// taken at least one vector or a bounded time has passed, closes it and returns the vectors
    /// taken, in order. The handler records each vector and returns without an EOI. NMIs the
    /// CPU took since its last window (RFLAGS.IF does not hold them back) come first, as vector
    /// 2, one per NMI. The default,
    /// for machines that deliver nothing asynchronously (the GIC is polled), takes nothing.
    fn take_interrupts(&mut self) -> crate::vector::Taken {
        crate::vector::Taken::default()
    }
}

/// A CPU that [`Platform::on_cpu`] could not run code on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpuOffline;

/// Where observations go: the guest prints them, the host collects or replays them.
pub trait Trace {
    /// Records `obs` and returns the value the case goes on with.
    ///
    /// For [`Observation::ImplDefined`] a lockstep replay returns the target's value, so the model
    /// follows the target's implementation-defined choices; everywhere else this is the value of
    /// the observation itself.
    fn record(&mut self, obs: Observation<'static>) -> u64;
    /// Records that the case skipped itself at run time, with a reason.
    fn skip(&mut self, reason: &'static str);
}

impl Observation<'_> {
    /// The value carried by an observation (the vector number for a delivery; 0 for faults,
    /// exceptions and empty windows).
    pub fn value(&self) -> u64 {
        match *self {
            Observation::Read { value, .. } | Observation::ImplDefined { value, .. } => value,
            Observation::Check { got, .. } => got,
            Observation::Vector(v) => v.raw().into(),
            Observation::Fault { .. }
            | Observation::X86Fault { .. }
            | Observation::NoVector
            | Observation::X86Exception { .. }
            | Observation::Exception { .. }
            | Observation::Cpu { .. }
            | Observation::CpuOffline { .. } => 0,
        }
    }
}
