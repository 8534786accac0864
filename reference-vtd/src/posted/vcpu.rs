//! vCPU run states and posted-interrupt descriptor management across scheduling (seed 001,
//! "Update posted-interrupt descriptor during vCPU scheduling", "How to wakeup blocked vCPU";
//! SDM vol. 3 §30.6 for posted-interrupt processing).
//!
//! Invariants:
//! - Running on pCPU p: NV = the notification vector, SN = 0, NDST = p's APIC ID. A
//!   notification that reaches p while the vCPU runs is processed by the CPU: ON cleared, PIR
//!   moved into the virtual IRR (SDM §30.6).
//! - Blocked (last ran on p): NV = the wake-up vector, SN = 0, NDST = p, and the vCPU is on p's
//!   blocked list. The wake-up vector is an ordinary host interrupt: its handler unblocks every
//!   vCPU on p's list whose ON is set (they become runnable and leave the list).
//! - Runnable or offline: SN = 1, NV = the notification vector; posted interrupts wait in PIR
//!   and are synced into the virtual IRR at the next VM entry ([`PiHost::run`]).
//! - A vCPU is on at most one blocked list, and on one exactly when it is blocked.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::memory::{GuestMemory, MemoryError};
use crate::message::AddressFormat;
use crate::posted::descriptor::PiDescriptor;
use crate::vector::{Vector, VectorSet};

/// A vCPU's run state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunState {
    /// Running in non-root mode on this pCPU.
    Running(usize),
    /// Ready to run, not running.
    Runnable,
    /// Halted, waiting for an interrupt; last ran on this pCPU.
    Blocked(usize),
    /// Offline.
    Offline,
}

/// The host's posted-interrupt configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PiHostConfig {
    /// The posted-interrupt notification vector (a "special" vector to a CPU in non-root mode).
    pub notification_vector: Vector,
    /// The wake-up vector (an ordinary host interrupt).
    pub wakeup_vector: Vector,
    /// How NDST is encoded (the remapping unit's interrupt mode).
    pub format: AddressFormat,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct PiVcpu {
    descriptor: u64,
    state: RunState,
    virr: VectorSet,
}

/// What a host interrupt on a pCPU did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostInterrupt {
    /// The notification vector reached a pCPU running this vCPU: these vectors moved from PIR
    /// into its virtual IRR.
    Processed {
        /// The vCPU.
        vcpu: usize,
        /// The vectors synced.
        vectors: VectorSet,
    },
    /// The wake-up vector: these vCPUs were unblocked.
    Woken(Vec<usize>),
    /// Any other vector, or a notification with no vCPU running there: an ordinary host
    /// interrupt.
    Other,
}

/// Why a scheduling operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PiError {
    /// No such vCPU.
    NoSuchVcpu(usize),
    /// The transition is not allowed from the vCPU's state.
    WrongState(RunState),
    /// The descriptor could not be read or written.
    Memory(MemoryError),
}

impl From<MemoryError> for PiError {
    fn from(e: MemoryError) -> PiError {
        PiError::Memory(e)
    }
}

/// The hypervisor's posted-interrupt bookkeeping for a set of vCPUs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiHost {
    config: PiHostConfig,
    vcpus: Vec<PiVcpu>,
    blocked: BTreeMap<usize, Vec<usize>>,
}

impl PiHost {
    /// vCPUs whose descriptors live at `descriptors` (one each), all runnable. Their
    /// descriptors are initialised: PIR empty, SN = 1, NV = the notification vector.
    pub fn new(
        config: PiHostConfig,
        descriptors: &[u64],
        mem: &mut dyn GuestMemory,
    ) -> Result<PiHost, PiError> {
        let mut vcpus = Vec::new();
        for &d in descriptors {
            let mut pid = PiDescriptor::default();
            pid.control = pid
                .control
                .with_sn(true)
                .with_nv(config.notification_vector.0);
            pid.write(mem, d)?;
            vcpus.push(PiVcpu {
                descriptor: d,
                state: RunState::Runnable,
                virr: VectorSet::new(),
            });
        }
        Ok(PiHost {
            config,
            vcpus,
            blocked: BTreeMap::new(),
        })
    }

    /// A vCPU's state.
    pub fn state(&self, vcpu: usize) -> Option<RunState> {
        self.vcpus.get(vcpu).map(|v| v.state)
    }

    /// A vCPU's descriptor address.
    pub fn descriptor(&self, vcpu: usize) -> Option<u64> {
        self.vcpus.get(vcpu).map(|v| v.descriptor)
    }

    /// A vCPU's virtual IRR (what has reached its virtual APIC).
    pub fn virr(&self, vcpu: usize) -> Option<&VectorSet> {
        self.vcpus.get(vcpu).map(|v| &v.virr)
    }

    /// The vCPUs on `pcpu`'s blocked list.
    pub fn blocked_on(&self, pcpu: usize) -> &[usize] {
        self.blocked.get(&pcpu).map_or(&[], |v| v.as_slice())
    }

    fn update(
        &mut self,
        mem: &mut dyn GuestMemory,
        vcpu: usize,
        f: impl FnOnce(&mut PiDescriptor),
    ) -> Result<PiDescriptor, PiError> {
        let v = self.vcpus.get(vcpu).ok_or(PiError::NoSuchVcpu(vcpu))?;
        let mut pid = PiDescriptor::read(mem, v.descriptor)?;
        f(&mut pid);
        pid.write(mem, v.descriptor)?;
        Ok(pid)
    }

    fn unlist(&mut self, vcpu: usize) {
        for list in self.blocked.values_mut() {
            list.retain(|&v| v != vcpu);
        }
        self.blocked.retain(|_, l| !l.is_empty());
    }

    /// VM entry of `vcpu` on `pcpu` (runnable or blocked → running): NV = notification
    /// vector, NDST = `apic_id` of `pcpu`, SN = 0, then PIR is synced into the virtual IRR
    /// (ON cleared). Returns the vectors synced.
    pub fn run(
        &mut self,
        mem: &mut dyn GuestMemory,
        vcpu: usize,
        pcpu: usize,
        apic_id: u32,
    ) -> Result<VectorSet, PiError> {
        let state = self.state(vcpu).ok_or(PiError::NoSuchVcpu(vcpu))?;
        if matches!(state, RunState::Running(_) | RunState::Offline) {
            return Err(PiError::WrongState(state));
        }
        let (nv, format) = (self.config.notification_vector.0, self.config.format);
        let mut synced = VectorSet::new();
        self.update(mem, vcpu, |pid| {
            pid.control = pid
                .control
                .with_nv(nv)
                .with_destination(apic_id, format)
                .with_sn(false);
            synced = pid.take_pending();
        })?;
        self.unlist(vcpu);
        let v = &mut self.vcpus[vcpu];
        v.state = RunState::Running(pcpu);
        v.virr = v.virr.union(&synced);
        Ok(synced)
    }

    /// Preemption (running → runnable): SN = 1.
    pub fn preempt(&mut self, mem: &mut dyn GuestMemory, vcpu: usize) -> Result<(), PiError> {
        let state = self.state(vcpu).ok_or(PiError::NoSuchVcpu(vcpu))?;
        if !matches!(state, RunState::Running(_)) {
            return Err(PiError::WrongState(state));
        }
        self.update(mem, vcpu, |pid| pid.control = pid.control.with_sn(true))?;
        self.vcpus[vcpu].state = RunState::Runnable;
        Ok(())
    }

    /// The vCPU halts (running → blocked): NV = wake-up vector, SN = 0, onto the blocked list
    /// of the pCPU it ran on. If ON is already set (an interrupt was posted just before), the
    /// vCPU is not blocked at all and stays runnable; returns whether it blocked.
    pub fn block(&mut self, mem: &mut dyn GuestMemory, vcpu: usize) -> Result<bool, PiError> {
        let state = self.state(vcpu).ok_or(PiError::NoSuchVcpu(vcpu))?;
        let RunState::Running(pcpu) = state else {
            return Err(PiError::WrongState(state));
        };
        let wakeup = self.config.wakeup_vector.0;
        let pid = self.update(mem, vcpu, |pid| {
            pid.control = pid.control.with_nv(wakeup).with_sn(false);
        })?;
        if pid.control.on() || !self.vcpus[vcpu].virr.is_empty() {
            self.update(mem, vcpu, |pid| pid.control = pid.control.with_sn(true))?;
            self.vcpus[vcpu].state = RunState::Runnable;
            return Ok(false);
        }
        self.blocked.entry(pcpu).or_default().push(vcpu);
        self.vcpus[vcpu].state = RunState::Blocked(pcpu);
        Ok(true)
    }

    /// The vCPU goes offline: SN = 1, NV = notification vector, off any blocked list.
    pub fn offline(&mut self, mem: &mut dyn GuestMemory, vcpu: usize) -> Result<(), PiError> {
        let nv = self.config.notification_vector.0;
        self.update(mem, vcpu, |pid| {
            pid.control = pid.control.with_sn(true).with_nv(nv)
        })?;
        self.unlist(vcpu);
        self.vcpus[vcpu].state = RunState::Offline;
        Ok(())
    }

    /// An offline vCPU comes back as runnable.
    pub fn online(&mut self, vcpu: usize) -> Result<(), PiError> {
        let state = self.state(vcpu).ok_or(PiError::NoSuchVcpu(vcpu))?;
        if state != RunState::Offline {
            return Err(PiError::WrongState(state));
        }
        self.vcpus[vcpu].state = RunState::Runnable;
        Ok(())
    }

    /// A host interrupt with `vector` arrived on `pcpu` (e.g. a notification the remapping
    /// unit or another CPU sent there).
    pub fn host_interrupt(
        &mut self,
        mem: &mut dyn GuestMemory,
        pcpu: usize,
        vector: Vector,
    ) -> Result<HostInterrupt, PiError> {
        if vector == self.config.notification_vector {
            let running = self
                .vcpus
                .iter()
                .position(|v| v.state == RunState::Running(pcpu));
            let Some(vcpu) = running else {
                return Ok(HostInterrupt::Other);
            };
            let mut vectors = VectorSet::new();
            self.update(mem, vcpu, |pid| vectors = pid.take_pending())?;
            let v = &mut self.vcpus[vcpu];
            v.virr = v.virr.union(&vectors);
            return Ok(HostInterrupt::Processed { vcpu, vectors });
        }
        if vector == self.config.wakeup_vector {
            let mut woken = Vec::new();
            for vcpu in self.blocked_on(pcpu).to_vec() {
                let pid = PiDescriptor::read(mem, self.vcpus[vcpu].descriptor)?;
                if pid.control.on() {
                    woken.push(vcpu);
                }
            }
            for &vcpu in &woken {
                self.unlist(vcpu);
                self.update(mem, vcpu, |pid| pid.control = pid.control.with_sn(true))?;
                self.vcpus[vcpu].state = RunState::Runnable;
            }
            return Ok(HostInterrupt::Woken(woken));
        }
        Ok(HostInterrupt::Other)
    }

    /// The guest takes its highest virtual interrupt (for tests of "exactly the posted vectors
    /// arrive"): removes and returns it.
    pub fn take_virtual(&mut self, vcpu: usize) -> Option<Vector> {
        let v = self.vcpus.get_mut(vcpu)?;
        let top = v.virr.highest()?;
        v.virr.remove(top);
        Some(top)
    }
}
