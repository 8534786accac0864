//! What the VMM is asked to run, read from the kernel command line (`/proc/cmdline`): the
//! target (`irqsuite.target=gicv2|gicv3|gicv3-its`), the vCPU count (`irqsuite.cpus=N`), and
//! every other `irqsuite.*` parameter, which is the guest's own (`irqsuite.run=`,
//! `irqsuite.inject=`) and goes into its `/chosen/bootargs`.

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

/// The VM to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Its interrupt controller.
    pub gic: Gic,
    /// Its vCPUs (the guest starts the secondaries with PSCI CPU_ON).
    pub cpus: u8,
    /// The guest's command line.
    pub bootargs: String,
}

/// The parameter naming the target.
const TARGET: &str = "irqsuite.target=";
/// The parameter giving the vCPU count.
const CPUS: &str = "irqsuite.cpus=";
/// The prefix of the guest's parameters.
const GUEST: &str = "irqsuite.";
/// vCPUs when the command line does not say.
const DEFAULT_CPUS: u8 = 2;

impl Config {
    /// Reads the configuration from a kernel command line.
    pub fn from_cmdline(cmdline: &str) -> Result<Config, String> {
        let mut gic = Gic::V3;
        let mut cpus = DEFAULT_CPUS;
        let mut guest = Vec::new();
        for arg in cmdline.split_ascii_whitespace() {
            if let Some(target) = arg.strip_prefix(TARGET) {
                gic = match target {
                    "gicv2" => Gic::V2,
                    "gicv3" => Gic::V3,
                    "gicv3-its" => Gic::V3Its,
                    other => return Err(format!("unknown {TARGET}{other}")),
                };
            } else if let Some(n) = arg.strip_prefix(CPUS) {
                cpus = n
                    .parse()
                    .ok()
                    .filter(|&n| (1..=crate::layout::MAX_CPUS).contains(&n))
                    .ok_or_else(|| format!("bad {arg} (1 to {} vCPUs)", crate::layout::MAX_CPUS))?;
            } else if arg.starts_with(GUEST) {
                guest.push(arg);
            }
        }
        Ok(Config {
            gic,
            cpus,
            bootargs: guest.join(" "),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_and_cpus_are_the_vmm_s_and_other_irqsuite_parameters_the_guest_s() {
        let cmdline = "console=ttyAMA0 panic=-1 irqsuite.target=gicv3-its irqsuite.run=5 \
                       irqsuite.cpus=3 irqsuite.inject=0\n";
        assert_eq!(
            Config::from_cmdline(cmdline),
            Ok(Config {
                gic: Gic::V3Its,
                cpus: 3,
                bootargs: "irqsuite.run=5 irqsuite.inject=0".into(),
            })
        );
    }

    #[test]
    fn without_parameters_the_vm_is_a_two_cpu_gicv3_running_everything() {
        assert_eq!(
            Config::from_cmdline("console=ttyAMA0"),
            Ok(Config {
                gic: Gic::V3,
                cpus: 2,
                bootargs: String::new(),
            })
        );
    }

    #[test]
    fn an_unknown_target_or_a_bad_cpu_count_is_an_error() {
        assert!(Config::from_cmdline("irqsuite.target=gicv5").is_err());
        assert!(Config::from_cmdline("irqsuite.cpus=0").is_err());
        assert!(Config::from_cmdline("irqsuite.cpus=99").is_err());
    }
}
