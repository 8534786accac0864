//! What a run produces, as events (DESIGN.md, seam 6). Execution sends them; reporters consume
//! them. Nothing in execution formats output.

use std::time::Duration;

use guest_kit::TargetInfo;

use crate::builds::provenance::{BootFacts, Provenance};
use crate::builds::{self, BuildTag};
use crate::traced::CaseTrace;
use crate::verdict::CaseResult;

/// The name of one backend/target pair (`qemu-tcg/gicv3`), with the build of the hypervisor
/// under test where the backend has builds (`xen-dom0less@4.20/gicv3`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TargetName {
    /// Backend name.
    pub backend: &'static str,
    /// The build (absent for a backend without builds).
    pub build: Option<BuildTag>,
    /// Target name.
    pub target: &'static str,
}

impl TargetName {
    /// A target of a backend without builds.
    pub const fn new(backend: &'static str, target: &'static str) -> TargetName {
        TargetName {
            backend,
            build: None,
            target,
        }
    }

    /// `backend` or `backend@build`: the results folder and the first half of the column name.
    pub fn backend_build(&self) -> String {
        builds::spelled(self.backend, self.build.map(|b| b.name))
    }
}

impl std::fmt::Display for TargetName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.backend_build(), self.target)
    }
}

/// One thing that happened during a run.
#[derive(Clone, Debug)]
pub enum RunEvent {
    /// The run starts with this many case instances over this many targets.
    RunStarted {
        /// Case instances.
        instances: usize,
        /// Backend/target pairs.
        targets: usize,
    },
    /// A target starts (one boot, or more if a case kills the guest).
    TargetStarted {
        /// Which.
        name: TargetName,
        /// How many cases it will run.
        cases: usize,
        /// What the backend knows of what produces the results (irqsuite, the emulator, the
        /// build); the boot adds what it saw ([`RunEvent::TargetFinished`]).
        provenance: Box<Provenance>,
    },
    /// A machine boots (the first boot of a target, or a reboot to resume after a dead case).
    Booting {
        /// Which target.
        name: TargetName,
        /// 1 for the first boot.
        attempt: u32,
    },
    /// A case owed a result has its trace, or is known never to have started: the judging
    /// stage (`judge::stage`) turns it into its [`RunEvent::CaseFinished`] before any reporter
    /// sees it.
    CaseTraced {
        /// Which target.
        name: TargetName,
        /// What the boot loop saw of the case.
        trace: Box<CaseTrace>,
    },
    /// A case instance has its result.
    CaseFinished {
        /// Which target.
        name: TargetName,
        /// The result.
        result: Box<CaseResult>,
    },
    /// A target finished.
    TargetFinished {
        /// Which.
        name: TargetName,
        /// What the guest reported about the machine (absent when it never booted).
        info: Option<TargetInfo>,
        /// How many boots it took.
        boots: u32,
        /// Wall time.
        elapsed: Duration,
        /// The console of every boot, for the results folder.
        console: Vec<String>,
        /// What the first boot showed of the machine (its command line, the version the
        /// hypervisor printed).
        facts: BootFacts,
        /// What was wrong with its consoles outside any case (damaged records between cases,
        /// a second `cfg`, cases past the catalogue), each with the boot it was seen in.
        problems: Vec<String>,
    },
}
