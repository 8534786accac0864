//! An owned, serializable view of one observation, for reports and evidence.

use guest_kit::{Observation, Site, regs};
use serde::Serialize;

/// One observation as reports show it: register sites carry both the wire form and the
/// specification's name, values are hex strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Observed {
    /// A register read.
    Read {
        /// Wire form (`gicd:0x200`).
        site: String,
        /// Spec name (`GICD_ISPENDR0`).
        register: String,
        /// Access width in bytes.
        width: u8,
        /// Value read.
        value: String,
    },
    /// An access that faulted.
    Fault {
        /// Wire form.
        site: String,
        /// Spec name.
        register: String,
        /// Access width in bytes.
        width: u8,
        /// ESR.
        esr: String,
        /// FAR.
        far: String,
    },
    /// An x86 access that raised an exception.
    X86Fault {
        /// Wire form.
        site: String,
        /// Spec name.
        register: String,
        /// Access width in bytes.
        width: u8,
        /// Exception vector.
        vector: String,
        /// Error code.
        error_code: String,
    },
    /// An x86 interrupt window delivered this vector.
    Vector {
        /// The vector.
        vector: String,
    },
    /// An x86 interrupt window closed without a delivery.
    NoVector,
    /// An unexpected x86 exception.
    X86Exception {
        /// Exception vector.
        vector: String,
        /// Error code.
        error_code: String,
        /// RIP.
        rip: String,
    },
    /// An implementation-defined value.
    ImplDefined {
        /// What it is.
        label: String,
        /// Value.
        value: String,
    },
    /// A check.
    Check {
        /// Name of the check.
        label: String,
        /// Value seen.
        got: String,
        /// Value required.
        expected: String,
        /// Whether it held.
        ok: bool,
    },
    /// The observations that follow come from this CPU.
    Cpu {
        /// CPU index.
        cpu: u8,
    },
    /// A CPU the case needed could not run code.
    CpuOffline {
        /// CPU index.
        cpu: u8,
    },
    /// An unexpected exception.
    Exception {
        /// ESR.
        esr: String,
        /// FAR.
        far: String,
        /// ELR.
        elr: String,
    },
}

/// The specification's name of `site` (`GICD_ISPENDR0`, `ICC_IAR1_EL1`).
pub fn register_name(site: Site) -> String {
    let mut name = String::new();
    // Writing into a String cannot fail.
    let _ = regs::spec_name(site, &mut name);
    name
}

fn hex(v: u64) -> String {
    format!("{v:#x}")
}

impl From<&Observation<'_>> for Observed {
    fn from(obs: &Observation<'_>) -> Self {
        match *obs {
            Observation::Read { site, width, value } => Observed::Read {
                site: site.to_string(),
                register: register_name(site),
                width: width.bytes(),
                value: hex(value),
            },
            Observation::Fault {
                site,
                width,
                esr,
                far,
            } => Observed::Fault {
                site: site.to_string(),
                register: register_name(site),
                width: width.bytes(),
                esr: hex(esr),
                far: hex(far),
            },
            Observation::X86Fault {
                site,
                width,
                vector,
                error_code,
            } => Observed::X86Fault {
                site: site.to_string(),
                register: register_name(site),
                width: width.bytes(),
                vector: vector.to_string(),
                error_code: hex(error_code.into()),
            },
            Observation::Vector(vector) => Observed::Vector {
                vector: vector.to_string(),
            },
            Observation::NoVector => Observed::NoVector,
            Observation::X86Exception {
                vector,
                error_code,
                rip,
            } => Observed::X86Exception {
                vector: vector.to_string(),
                error_code: hex(error_code.into()),
                rip: hex(rip),
            },
            Observation::ImplDefined { label, value } => Observed::ImplDefined {
                label: label.to_owned(),
                value: hex(value),
            },
            Observation::Check {
                label,
                got,
                expected,
            } => Observed::Check {
                label: label.to_owned(),
                got: hex(got),
                expected: hex(expected),
                ok: got == expected,
            },
            Observation::Cpu { cpu } => Observed::Cpu { cpu },
            Observation::CpuOffline { cpu } => Observed::CpuOffline { cpu },
            Observation::Exception { esr, far, elr } => Observed::Exception {
                esr: hex(esr),
                far: hex(far),
                elr: hex(elr),
            },
        }
    }
}

impl std::fmt::Display for Observed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Observed::Read {
                register,
                width,
                value,
                ..
            } => {
                write!(f, "read {register} ({width}-byte) = {value}")
            }
            Observed::Fault {
                register, esr, far, ..
            } => {
                write!(f, "access to {register} faulted (ESR {esr}, FAR {far})")
            }
            Observed::X86Fault {
                register,
                vector,
                error_code,
                ..
            } => write!(
                f,
                "access to {register} raised vector {vector} (error code {error_code})"
            ),
            Observed::Vector { vector } => write!(f, "took vector {vector}"),
            Observed::NoVector => f.write_str("took no vector"),
            Observed::X86Exception {
                vector,
                error_code,
                rip,
            } => write!(
                f,
                "exception vector {vector} error code {error_code} RIP {rip}"
            ),
            Observed::ImplDefined { label, value } => write!(f, "{label} = {value}"),
            Observed::Check {
                label,
                got,
                expected,
                ..
            } => {
                write!(f, "check {label}: got {got}, expected {expected}")
            }
            Observed::Cpu { cpu } => write!(f, "switch to CPU {cpu}"),
            Observed::CpuOffline { cpu } => write!(f, "CPU {cpu} is offline"),
            Observed::Exception { esr, far, elr } => {
                write!(f, "exception ESR {esr} FAR {far} ELR {elr}")
            }
        }
    }
}
