//! What the VMM is asked to run, read from the kernel command line (`/proc/cmdline`): one VM per
//! `irqsuite.vm=<target>:<cases>` (target `gicv2|gicv3|gicv3-its`, cases the guest's
//! `irqsuite.run=` bitmap), run in the order given, all with `irqsuite.cpus=N` vCPUs; every
//! other `irqsuite.*` parameter is the guests' own (`irqsuite.inject=`) and goes into each one's
//! `/chosen/bootargs`.

/// The interrupt controller the VM gets.
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

/// One VM to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Its interrupt controller.
    pub gic: Gic,
    /// Its vCPUs (the guest starts the secondaries with PSCI CPU_ON).
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

/// The VMs a kernel command line asks for, in order.
pub fn from_cmdline(cmdline: &str) -> Result<Vec<Config>, String> {
    let mut vms = Vec::new();
    let mut cpus = DEFAULT_CPUS;
    let mut shared = Vec::new();
    for arg in cmdline.split_ascii_whitespace() {
        if let Some(vm) = arg.strip_prefix(VM) {
            let (target, cases) = vm
                .split_once(':')
                .ok_or_else(|| format!("bad {arg} (want {VM}<target>:<cases>)"))?;
            let gic = match target {
                "gicv2" => Gic::V2,
                "gicv3" => Gic::V3,
                "gicv3-its" => Gic::V3Its,
                other => return Err(format!("unknown target {other} in {arg}")),
            };
            vms.push((gic, cases));
        } else if let Some(n) = arg.strip_prefix(CPUS) {
            cpus = n
                .parse()
                .ok()
                .filter(|&n| (1..=crate::layout::MAX_CPUS).contains(&n))
                .ok_or_else(|| format!("bad {arg} (1 to {} vCPUs)", crate::layout::MAX_CPUS))?;
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
        .map(|(gic, cases)| {
            let mut bootargs = format!("{}{cases}", guest_kit::selection::PARAM);
            for arg in &shared {
                bootargs.push(' ');
                bootargs.push_str(arg);
            }
            Config {
                gic,
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
                    gic: Gic::V3,
                    cpus: 3,
                    bootargs: "irqsuite.run=ff0 irqsuite.inject=3".into(),
                },
                Config {
                    gic: Gic::V3Its,
                    cpus: 3,
                    bootargs: "irqsuite.run=1 irqsuite.inject=3".into(),
                },
            ])
        );
    }

    #[test]
    fn without_a_vm_or_with_a_bad_one_or_a_bad_cpu_count_it_is_an_error() {
        assert!(from_cmdline("console=ttyAMA0").is_err());
        assert!(from_cmdline("irqsuite.vm=gicv5:1").is_err());
        assert!(from_cmdline("irqsuite.vm=gicv3").is_err());
        assert!(from_cmdline("irqsuite.vm=gicv3:1 irqsuite.cpus=0").is_err());
        assert!(from_cmdline("irqsuite.vm=gicv3:1 irqsuite.cpus=99").is_err());
    }
}
