//! [`Ctx`]: what a case holds. Every access through it is traced (DESIGN.md, seam 2).

use crate::{Fault, Observation, Platform, Site, TargetInfo, Trace, Width};

/// The values an implementation-defined observation may take (DESIGN.md, seam 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allowed {
    /// Any value.
    Any,
    /// One of a list.
    OneOf(&'static [u64]),
    /// An inclusive range.
    Range(u64, u64),
    /// The bits in `mask` must equal `value`; the other bits are free.
    Fixed {
        /// The architecturally fixed bits.
        mask: u64,
        /// Their required value.
        value: u64,
    },
}

impl Allowed {
    /// Whether `v` is one of the allowed values.
    pub fn contains(&self, v: u64) -> bool {
        match *self {
            Allowed::Any => true,
            Allowed::OneOf(list) => list.contains(&v),
            Allowed::Range(lo, hi) => (lo..=hi).contains(&v),
            Allowed::Fixed { mask, value } => v & mask == value,
        }
    }
}

/// A case's handle on the machine: traced register access, checks and implementation-defined
/// values. GIC-level helpers live in [`crate::gic`].
pub struct Ctx<'a> {
    platform: &'a mut dyn Platform,
    trace: &'a mut dyn Trace,
    info: TargetInfo,
    cpu: u8,
    /// Bytes of the arena's per-case scratch handed out (see [`crate::lpi`]).
    pub(crate) scratch_used: u64,
    /// Interrupts acknowledged and not yet ended (see [`crate::gic`], `Ctx::finish`).
    pub(crate) unended: Unended,
}

/// The interrupts a case acknowledged and has not ended (EOIed) yet, with the CPU that took
/// each, oldest first. Bounded: a case that acknowledges more without ending them is past
/// anything a reset needs to undo.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Unended {
    entries: [(u8, u32); 32],
    len: usize,
}

impl Unended {
    /// `intid` was acknowledged on `cpu`.
    pub(crate) fn push(&mut self, cpu: u8, intid: u32) {
        if self.len < self.entries.len() {
            self.entries[self.len] = (cpu, intid);
            self.len += 1;
        }
    }

    /// `intid` was ended on `cpu`: forget its most recent acknowledge there.
    pub(crate) fn remove_last(&mut self, cpu: u8, intid: u32) {
        if let Some(i) = self.entries[..self.len]
            .iter()
            .rposition(|e| *e == (cpu, intid))
        {
            self.entries.copy_within(i + 1..self.len, i);
            self.len -= 1;
        }
    }

    /// The most recent acknowledge not ended.
    pub(crate) fn pop(&mut self) -> Option<(u8, u32)> {
        self.len = self.len.checked_sub(1)?;
        Some(self.entries[self.len])
    }
}

impl<'a> Ctx<'a> {
    /// A context over `platform`, recording into `trace`.
    pub fn new(platform: &'a mut dyn Platform, trace: &'a mut dyn Trace) -> Self {
        let info = platform.info();
        Ctx {
            platform,
            trace,
            info,
            cpu: 0,
            scratch_used: 0,
            unended: Unended::default(),
        }
    }

    /// The CPU this context runs on (0, the boot CPU, unless inside [`Ctx::on_cpu`]).
    pub fn cpu(&self) -> u8 {
        self.cpu
    }

    /// Runs `f` on CPU `cpu` while this CPU waits, so the trace stays one sequence. The switch
    /// is recorded (`cpu <n>` before, and back after), and a CPU that cannot run code is
    /// recorded as offline (an `error` for the case).
    pub fn on_cpu(&mut self, cpu: u8, f: impl FnOnce(&mut Ctx<'_>)) {
        let home = self.cpu;
        self.trace.record(Observation::Cpu { cpu });
        let (info, trace) = (self.info, &mut *self.trace);
        let (scratch, unended) = (&mut self.scratch_used, &mut self.unended);
        let mut f = Some(f);
        let ran = self.platform.on_cpu(cpu, &mut |platform| {
            if let Some(f) = f.take() {
                let mut there = Ctx {
                    platform,
                    trace: &mut *trace,
                    info,
                    cpu,
                    scratch_used: *scratch,
                    unended: *unended,
                };
                f(&mut there);
                *scratch = there.scratch_used;
                *unended = there.unended;
            }
        });
        if ran.is_err() {
            self.trace.record(Observation::CpuOffline { cpu });
        }
        self.trace.record(Observation::Cpu { cpu: home });
    }

    /// What discovery found on this machine.
    pub fn info(&self) -> TargetInfo {
        self.info
    }

    /// Reads `site`, recording the value (or the fault, reading as 0).
    pub fn read(&mut self, site: Site, width: Width) -> u64 {
        match self.platform.read(site, width) {
            Ok(value) => self.trace.record(Observation::Read { site, width, value }),
            Err(fault) => self.fault(site, width, fault),
        }
    }

    /// Reads `site`, recording the value or the fault as [`Ctx::read`] does, and returns which
    /// it was: for cases whose subject is that an access faults (a #GP on a reserved MSR).
    pub fn try_read(&mut self, site: Site, width: Width) -> Result<u64, Fault> {
        match self.platform.read(site, width) {
            Ok(value) => Ok(self.trace.record(Observation::Read { site, width, value })),
            Err(fault) => {
                self.fault(site, width, fault);
                Err(fault)
            }
        }
    }

    /// Reads a 32-bit register.
    pub fn read32(&mut self, site: Site) -> u32 {
        self.read(site, Width::B32) as u32
    }

    /// Writes `value` to `site`; only a fault is recorded (what a write did shows in later reads).
    pub fn write(&mut self, site: Site, width: Width, value: u64) {
        if let Err(fault) = self.platform.write(site, width, value) {
            self.fault(site, width, fault);
        }
    }

    /// Writes `value` to `site` as [`Ctx::write`] does and returns whether it faulted: for cases
    /// whose subject is that a write faults (a #GP on WRMSR of a read-only x2APIC register).
    pub fn try_write(&mut self, site: Site, width: Width, value: u64) -> Result<(), Fault> {
        let result = self.platform.write(site, width, value);
        if let Err(fault) = result {
            self.fault(site, width, fault);
        }
        result
    }

    /// Writes a 32-bit register.
    pub fn write32(&mut self, site: Site, value: u32) {
        self.write(site, Width::B32, value.into());
    }

    /// Reads `site` as an implementation-defined value named `label`: recorded, compared with
    /// the model without judgement, and checked against `allowed`. Returns the value to go on
    /// with (in lockstep replay, the target's).
    pub fn read_impl(
        &mut self,
        label: &'static str,
        site: Site,
        width: Width,
        allowed: Allowed,
    ) -> u64 {
        match self.platform.read(site, width) {
            Ok(value) => self.impl_defined(label, value, allowed),
            Err(fault) => self.fault(site, width, fault),
        }
    }

    /// Reads `site`, recording the bits outside `free` as the read and the bits in `free` as the
    /// implementation-defined value `label` (any value allowed): for a register whose fields
    /// are partly the implementation's choice, read whole. A fault is recorded as for
    /// [`Ctx::read`]. Returns the value to go on with (in lockstep replay, the target's free
    /// bits).
    pub fn read_split(&mut self, site: Site, width: Width, free: u64, label: &'static str) -> u64 {
        match self.platform.read(site, width) {
            Ok(value) => {
                let fixed = self.trace.record(Observation::Read {
                    site,
                    width,
                    value: value & !free,
                });
                fixed | self.impl_defined(label, value & free, Allowed::Any)
            }
            Err(fault) => self.fault(site, width, fault),
        }
    }

    /// Records an implementation-defined `value` named `label` and checks it against `allowed`.
    pub fn impl_defined(&mut self, label: &'static str, value: u64, allowed: Allowed) -> u64 {
        let value = self.trace.record(Observation::ImplDefined { label, value });
        if !allowed.contains(value) {
            self.trace.record(Observation::Check {
                label,
                got: value,
                expected: allowed_hint(allowed),
            });
        }
        value
    }

    /// Checks `got == expected` (an architectural requirement). Returns whether it held.
    pub fn check_eq(&mut self, label: &'static str, got: u64, expected: u64) -> bool {
        let got = self.trace.record(Observation::Check {
            label,
            got,
            expected,
        });
        got == expected
    }

    /// Checks that `holds` is true.
    pub fn check(&mut self, label: &'static str, holds: bool) -> bool {
        self.check_eq(label, holds.into(), 1)
    }

    /// Asks the host to act (see [`crate::inject`]). Returns `false`, with the case marked
    /// skipped and the reason, when the backend cannot: the case should then end.
    pub fn inject(&mut self, request: crate::inject::Inject) -> bool {
        match self.platform.inject(request) {
            Ok(()) => true,
            Err(crate::inject::Refused(why)) => {
                self.trace.skip(why);
                false
            }
        }
    }

    /// Marks the case skipped at run time (a capability only the run can discover).
    pub fn skip(&mut self, reason: &'static str) {
        self.trace.skip(reason);
    }

    /// Untraced access, for set-up and polling whose values are not observations.
    pub fn raw(&mut self) -> &mut dyn Platform {
        self.platform
    }

    /// Lets time pass (see [`Platform::delay`]).
    pub fn delay(&mut self) {
        self.platform.delay();
    }

    /// Records `obs` and returns the value to go on with (see [`Trace::record`]).
    pub(crate) fn observe(&mut self, obs: Observation<'static>) -> u64 {
        self.trace.record(obs)
    }

    fn fault(&mut self, site: Site, width: Width, fault: Fault) -> u64 {
        self.trace.record(fault.observation(site, width));
        0
    }
}

/// A representative allowed value, reported as "expected" when a value falls outside its set.
fn allowed_hint(allowed: Allowed) -> u64 {
    match allowed {
        Allowed::Any => 0,
        Allowed::OneOf(list) => list.first().copied().unwrap_or(0),
        Allowed::Range(lo, _) => lo,
        Allowed::Fixed { value, .. } => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_sets_accept_exactly_their_members() {
        assert!(Allowed::Any.contains(7));
        assert!(Allowed::OneOf(&[1, 3]).contains(3));
        assert!(!Allowed::OneOf(&[1, 3]).contains(2));
        assert!(Allowed::Range(4, 8).contains(8));
        assert!(!Allowed::Range(4, 8).contains(9));
        let fixed = Allowed::Fixed {
            mask: 0xf0,
            value: 0x30,
        };
        assert!(fixed.contains(0x3f));
        assert!(!fixed.contains(0x4f));
    }
}
