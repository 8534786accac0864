//! What a case saw (DESIGN.md, seam 2: "every observation is traced").
//!
//! The same enum is produced by the guest (and printed as wire records) and by the host when it
//! runs the case against the reference model, so the two traces compare element by element.

/// One traced observation. Labels are the case's own stable names (`&'static str` in a case,
/// borrowed from the console line when decoded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observation<'a> {
    /// A register read and the value it returned.
    Read {
        /// Which register.
        site: crate::Site,
        /// Access width.
        width: crate::Width,
        /// The value read.
        value: u64,
    },
    /// A register access (read or write) that took a synchronous exception instead of completing.
    Fault {
        /// Which register.
        site: crate::Site,
        /// Access width.
        width: crate::Width,
        /// Exception syndrome (ESR_EL1).
        esr: u64,
        /// Faulting address (FAR_EL1).
        far: u64,
    },
    /// An implementation-defined value: recorded and compared with the model's choice, never
    /// judged against it (a difference is `diverge`).
    ImplDefined {
        /// What the value is (e.g. `GICD_IIDR`).
        label: &'a str,
        /// The value seen.
        value: u64,
    },
    /// An explicit architectural check.
    Check {
        /// The check's stable name within the case.
        label: &'a str,
        /// The value seen.
        got: u64,
        /// The value the architecture requires.
        expected: u64,
    },
    /// The observations that follow come from CPU `cpu` (the case switched CPUs).
    Cpu {
        /// CPU index in discovery order.
        cpu: u8,
    },
    /// The case needed CPU `cpu`, which could not run code (not online).
    CpuOffline {
        /// CPU index in discovery order.
        cpu: u8,
    },
    /// An x86 register access (RDMSR, WRMSR, an MMIO load or store) that raised an exception
    /// instead of completing, e.g. #GP on a reserved x2APIC MSR (Intel SDM vol. 3 §11.12.1.2).
    X86Fault {
        /// Which register.
        site: crate::Site,
        /// Access width.
        width: crate::Width,
        /// The exception vector (13 for #GP).
        vector: crate::Vector,
        /// The error code the CPU pushed (0 for exceptions without one).
        error_code: u32,
    },
    /// An interrupt window ([`crate::Ctx::take_interrupts`]) delivered `vector`: the CPU took it
    /// through the IDT (SDM vol. 3 §11.8.4). One observation per delivery, in order.
    Vector(crate::Vector),
    /// An interrupt window closed without the CPU taking any vector.
    NoVector,
    /// An x86 exception the case did not ask for, reported (and survived where possible).
    X86Exception {
        /// The exception vector.
        vector: crate::Vector,
        /// The error code (0 for exceptions without one).
        error_code: u32,
        /// The RIP the exception frame holds.
        rip: u64,
    },
    /// An exception the case did not ask for, reported and survived.
    Exception {
        /// Exception syndrome.
        esr: u64,
        /// Faulting address.
        far: u64,
        /// Return address.
        elr: u64,
    },
}

impl<'a> Observation<'a> {
    /// Whether this is a check that failed.
    pub fn is_failed_check(&self) -> bool {
        matches!(self, Observation::Check { got, expected, .. } if got != expected)
    }

    /// The label of a check or an implementation-defined value; none for other observations.
    pub fn label(&self) -> Option<&'a str> {
        match *self {
            Observation::ImplDefined { label, .. } | Observation::Check { label, .. } => {
                Some(label)
            }
            _ => None,
        }
    }

    /// The same observation with `label` in place of its own (unchanged when it has none): how
    /// a decoded observation outlives the line it was decoded from.
    pub fn relabel<'b>(self, label: &'b str) -> Observation<'b> {
        use Observation as O;
        match self {
            O::ImplDefined { value, .. } => O::ImplDefined { label, value },
            O::Check { got, expected, .. } => O::Check {
                label,
                got,
                expected,
            },
            O::Read { site, width, value } => O::Read { site, width, value },
            O::Fault {
                site,
                width,
                esr,
                far,
            } => O::Fault {
                site,
                width,
                esr,
                far,
            },
            O::Cpu { cpu } => O::Cpu { cpu },
            O::CpuOffline { cpu } => O::CpuOffline { cpu },
            O::X86Fault {
                site,
                width,
                vector,
                error_code,
            } => O::X86Fault {
                site,
                width,
                vector,
                error_code,
            },
            O::Vector(v) => O::Vector(v),
            O::NoVector => O::NoVector,
            O::X86Exception {
                vector,
                error_code,
                rip,
            } => O::X86Exception {
                vector,
                error_code,
                rip,
            },
            O::Exception { esr, far, elr } => O::Exception { esr, far, elr },
        }
    }
}
