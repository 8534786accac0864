//! What a run produces, as events (DESIGN.md, seam 6). Execution sends them; reporters consume
//! them. Nothing in execution formats output.

use std::time::Duration;

use guest_kit::TargetInfo;

use crate::verdict::CaseResult;

/// The name of one backend/target pair (`qemu-tcg/gicv3`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TargetName {
    /// Backend name.
    pub backend: &'static str,
    /// Target name.
    pub target: &'static str,
}

impl std::fmt::Display for TargetName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.backend, self.target)
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
    },
    /// A machine boots (the first boot of a target, or a reboot to resume after a dead case).
    Booting {
        /// Which target.
        name: TargetName,
        /// 1 for the first boot.
        attempt: u32,
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
    },
}
