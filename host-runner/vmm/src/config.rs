//! What the VMM is asked to run, read from the kernel command line (`/proc/cmdline`): one VM per
//! `irqsuite.vm=<target>:<cases>` (target `gicv2|gicv3|gicv3-its` on arm64, `irqchip|split` on
//! x86_64; cases the guest's `irqsuite.run=` bitmap), run in the order given, all with
//! `irqsuite.cpus=N` vCPUs; every other `irqsuite.*` parameter is the guests' own
//! (`irqsuite.inject=`) and goes into each one's command line (`/chosen/bootargs` on arm64, the
//! PVH start info's `cmdline` on x86_64).

/// The interrupt controller an arm64 VM gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gic {
    /// The in-kernel vGICv2 (needs a GICv2 host, or a GICv3 host with the v2 compatibility
    /// interface).
    V2,
    /// The in-kernel vGICv3.
    V3,
    /// The in-kernel vGICv3 and a vITS.
    V3Its,
}

/// The interrupt controllers an x86_64 VM gets.
#[cfg(any(test, target_arch = "x86_64"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum X86Chip {
    /// `KVM_CREATE_IRQCHIP`: KVM's PIC, IOAPIC and local APICs.
    Irqchip,
    /// `KVM_CAP_SPLIT_IRQCHIP`: KVM's local APICs; the IOAPIC in the VMM (reference-vtd's).
    Split,
}

/// A target name on the command line.
pub trait Target: Sized + Copy {
    /// The target called `name`, if this architecture has it.
    fn from_name(name: &str) -> Option<Self>;
}

impl Target for Gic {
    fn from_name(name: &str) -> Option<Gic> {
        match name {
            "gicv2" => Some(Gic::V2),
            "gicv3" => Some(Gic::V3),
            "gicv3-its" => Some(Gic::V3Its),
            _ => None,
        }
    }
}

#[cfg(any(test, target_arch = "x86_64"))]
impl Target for X86Chip {
    fn from_name(name: &str) -> Option<X86Chip> {
        match name {
            "irqchip" => Some(X86Chip::Irqchip),
            "split" => Some(X86Chip::Split),
            _ => None,
        }
    }
}

/// One VM to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config<T = Gic> {
    /// Its interrupt controller.
    pub target: T,
    /// Its vCPUs (the guest starts the secondaries: PSCI CPU_ON on arm64, INIT-SIPI-SIPI on
    /// x86_64).
    pub cpus: u8,
    /// The guest's command line.
    pub bootargs: String,
}

/// The parameter naming one VM: its target and its guest's case selection.
const VM: &str = "irqsuite.vm=";
/// The parameter giving the vCPU count.
const CPUS: &str = "irqsuite.cpus=";
/// The prefix of the guests' parameters.
const GUEST: &str = "irqsuite.";
/// vCPUs when the command line does not say.
const DEFAULT_CPUS: u8 = 2;
/// The parameter giving the console watchdog's limit in seconds (x86_64).
#[cfg(any(test, target_arch = "x86_64"))]
const WATCHDOG: &str = "irqsuite.watchdog=";

/// The watchdog limit the command line sets, if it sets one: whole seconds, at least 1.
#[cfg(any(test, target_arch = "x86_64"))]
pub fn watchdog_secs(cmdline: &str) -> Result<Option<u64>, String> {
    cmdline
        .split_ascii_whitespace()
        .find_map(|arg| arg.strip_prefix(WATCHDOG))
        .map(|secs| {
            secs.parse()
                .ok()
                .filter(|&s| s >= 1)
                .ok_or_else(|| format!("bad {WATCHDOG}{secs} (whole seconds, at least 1)"))
        })
        .transpose()
}

/// The most vCPUs a VM gets (the guests' own limit, and what the arm64 redistributor region
/// and device tree allow).
pub const MAX_CPUS: u8 = 8;

/// The VMs a kernel command line asks for, in order.
pub fn from_cmdline<T: Target>(cmdline: &str) -> Result<Vec<Config<T>>, String> {
    let mut vms = Vec::new();
    let mut cpus = DEFAULT_CPUS;
    let mut shared = Vec::new();
    for arg in cmdline.split_ascii_whitespace() {
        if let Some(vm) = arg.strip_prefix(VM) {
            let (target, cases) = vm
                .split_once(':')
                .ok_or_else(|| format!("bad {arg} (want {VM}<target>:<cases>)"))?;
            let target =
                T::from_name(target).ok_or_else(|| format!("unknown target {target} in {arg}"))?;
            vms.push((target, cases));
        } else if let Some(n) = arg.strip_prefix(CPUS) {
            cpus = n
                .parse()
                .ok()
                .filter(|&n| (1..=MAX_CPUS).contains(&n))
                .ok_or_else(|| format!("bad {arg} (1 to {MAX_CPUS} vCPUs)"))?;
        } else if arg.starts_with(GUEST) {
            shared.push(arg);
        }
    }
    if vms.is_empty() {
        return Err(format!(
            "no VM to run: the command line has no {VM}<target>:<cases>"
        ));
    }
    Ok(vms
        .into_iter()
        .map(|(target, cases)| {
            let mut bootargs = format!("{}{cases}", guest_kit::selection::PARAM);
            for arg in &shared {
                bootargs.push(' ');
                bootargs.push_str(arg);
            }
            Config {
                target,
                cpus,
                bootargs,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_vm_parameter_is_a_vm_in_order_with_its_cases_and_the_shared_guest_parameters() {
        let cmdline = "console=ttyAMA0 panic=-1 irqsuite.vm=gicv3:ff0 irqsuite.inject=3 \
                       irqsuite.cpus=3 irqsuite.vm=gicv3-its:1\n";
        assert_eq!(
            from_cmdline(cmdline),
            Ok(vec![
                Config {
                    target: Gic::V3,
                    cpus: 3,
                    bootargs: "irqsuite.run=ff0 irqsuite.inject=3".into(),
                },
                Config {
                    target: Gic::V3Its,
                    cpus: 3,
                    bootargs: "irqsuite.run=1 irqsuite.inject=3".into(),
                },
            ])
        );
    }

    #[test]
    fn x86_targets_are_the_in_kernel_irqchip_and_the_split_one() {
        let vms = from_cmdline::<X86Chip>(
            "console=ttyS0 irqsuite.vm=irqchip:3 irqsuite.vm=split:3 irqsuite.inject=3",
        )
        .unwrap();
        let targets: Vec<_> = vms.iter().map(|vm| vm.target).collect();
        assert_eq!(targets, [X86Chip::Irqchip, X86Chip::Split]);
        assert_eq!(vms[1].bootargs, "irqsuite.run=3 irqsuite.inject=3");
        assert!(from_cmdline::<X86Chip>("irqsuite.vm=gicv3:1").is_err());
        assert!(from_cmdline::<Gic>("irqsuite.vm=split:1").is_err());
    }

    #[test]
    fn the_watchdog_limit_is_whole_seconds_when_given() {
        assert_eq!(watchdog_secs("irqsuite.vm=split:1"), Ok(None));
        assert_eq!(watchdog_secs("quiet irqsuite.watchdog=5"), Ok(Some(5)));
        assert!(watchdog_secs("irqsuite.watchdog=0").is_err());
        assert!(watchdog_secs("irqsuite.watchdog=2s").is_err());
    }

    #[test]
    fn without_a_vm_or_with_a_bad_one_or_a_bad_cpu_count_it_is_an_error() {
        assert!(from_cmdline::<Gic>("console=ttyAMA0").is_err());
        assert!(from_cmdline::<Gic>("irqsuite.vm=gicv5:1").is_err());
        assert!(from_cmdline::<Gic>("irqsuite.vm=gicv3").is_err());
        assert!(from_cmdline::<Gic>("irqsuite.vm=gicv3:1 irqsuite.cpus=0").is_err());
        assert!(from_cmdline::<Gic>("irqsuite.vm=gicv3:1 irqsuite.cpus=99").is_err());
    }
}
