//! The local APIC (SDM vol. 3 ch. 11) of one CPU, in xAPIC or x2APIC mode.
//!
//! Invariants:
//! - State is the architectural registers (IRR, ISR, TMR, TPR, LDR, DFR, SVR, ESR, LVT, ICR,
//!   timer, IA32_APIC_BASE); PPR and APR are derived on demand, never stored
//!   ([`LocalApic::ppr`], [`LocalApic::apr`]).
//! - One oracle: [`LocalApic::highest_deliverable`] is the only definition of "the vector the
//!   CPU takes next" (SDM §11.8.3.1: the highest IRR vector whose priority class is above
//!   PPR's); [`LocalApic::deliver`] and the machine's `take_interrupts` window use it.
//! - Both register interfaces (xAPIC MMIO in [`xapic`], x2APIC MSRs in [`x2apic`]) are front
//!   ends over one register map and one dispatcher ([`regs`]); the front ends only decide
//!   access rights, widths and faults.
//! - Accepting a message never delivers it: it sets IRR (and TMR by trigger mode, SDM §11.8.4)
//!   or records a [`LocalEvent`]; effects on other components are returned, not performed.
//! - Nothing here panics on guest input: every register value and offset is handled.

pub mod icr;
pub mod lvt;
pub mod regs;
pub mod timer;
pub mod x2apic;
pub mod xapic;

use alloc::vec::Vec;

use crate::effect::{Effect, LocalEvent};
use crate::message::{
    AddressFormat, DeliveryMode, Destination, DestinationMode, InterruptMessage, TriggerMode,
};
use crate::vector::{Vector, VectorSet};
use icr::Icr;
use lvt::{Esr, Lvt, LvtKind, Svr, TimerMode};
use timer::Timer;
use x2apic::ApicBase;

/// The local APIC's operating mode, from IA32_APIC_BASE EN and EXTD (SDM §11.12.1, Table 11-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApicMode {
    /// EN = 0: globally disabled; accepts nothing, registers unreachable.
    Disabled,
    /// EN = 1, EXTD = 0: xAPIC, memory-mapped registers.
    XApic,
    /// EN = 1, EXTD = 1: x2APIC, MSR registers.
    X2Apic,
}

/// The Local APIC Version register value: version 0x14, max LVT entry 6 (seven entries, CMCI
/// included), EOI-broadcast suppression supported (bit 24) (SDM §11.4.8, Figure 11-7).
pub const APIC_VERSION: u32 = 0x0106_0014;

/// One CPU's local APIC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalApic {
    cpu: usize,
    initial_id: u32,
    base: ApicBase,
    xapic_id: u8,
    tpr: u8,
    ldr: u32,
    dfr: u32,
    svr: Svr,
    irr: VectorSet,
    isr: VectorSet,
    tmr: VectorSet,
    esr: Esr,
    esr_pending: Esr,
    lvt: [Lvt; 7],
    icr: Icr,
    timer: Timer,
    events: Vec<LocalEvent>,
}

impl LocalApic {
    /// The local APIC of CPU `cpu` with initial APIC ID `initial_id`, after power-up reset:
    /// xAPIC mode at 0xFEE0_0000, software-disabled (SDM §11.4.7.1). CPU 0 is the BSP.
    pub fn new(cpu: usize, initial_id: u32) -> LocalApic {
        LocalApic {
            cpu,
            initial_id,
            base: ApicBase::reset(cpu == 0),
            xapic_id: initial_id as u8,
            tpr: 0,
            ldr: 0,
            dfr: u32::MAX,
            svr: Svr::RESET,
            irr: VectorSet::new(),
            isr: VectorSet::new(),
            tmr: VectorSet::new(),
            esr: Esr(0),
            esr_pending: Esr(0),
            lvt: [Lvt::RESET; 7],
            icr: Icr(0),
            timer: Timer::default(),
            events: Vec::new(),
        }
    }

    /// Reset every register but IA32_APIC_BASE (the APIC was globally disabled, SDM §11.4.3).
    fn reset_registers(&mut self) {
        let base = self.base;
        *self = LocalApic::new(self.cpu, self.initial_id);
        self.base = base;
    }

    /// The CPU index this APIC belongs to.
    pub fn cpu(&self) -> usize {
        self.cpu
    }

    /// The operating mode.
    pub fn mode(&self) -> ApicMode {
        self.base.mode()
    }

    /// IA32_APIC_BASE.
    pub fn apic_base(&self) -> ApicBase {
        self.base
    }

    /// The APIC ID in the current mode: the xAPIC ID register (bits 31:24) or the 32-bit
    /// x2APIC ID (SDM §11.4.6, §11.12.5.1).
    pub fn id(&self) -> u32 {
        match self.mode() {
            ApicMode::X2Apic => self.initial_id,
            _ => u32::from(self.xapic_id),
        }
    }

    /// The logical destination register in the current mode; in x2APIC mode derived from the
    /// x2APIC ID: cluster ID = ID\[19:4\] in bits 31:16, bit (ID\[3:0\]) set (SDM §11.12.10.2).
    pub fn ldr(&self) -> u32 {
        match self.mode() {
            ApicMode::X2Apic => (self.initial_id >> 4) << 16 | 1 << (self.initial_id & 0xf),
            _ => self.ldr,
        }
    }

    /// Task priority register.
    pub fn tpr(&self) -> u8 {
        self.tpr
    }

    /// Processor priority (SDM §11.8.3.1): TPR if TPR\[7:4\] ≥ ISRV\[7:4\], else ISRV\[7:4\]:0.
    pub fn ppr(&self) -> u8 {
        let isrv = self.isr.highest().map_or(0, |v| v.0);
        if self.tpr >> 4 >= isrv >> 4 {
            self.tpr
        } else {
            isrv & 0xf0
        }
    }

    /// Arbitration priority (SDM §11.6.2.4, Figure 11-15): TPR if TPR\[7:4\] ≥ IRRV\[7:4\] and
    /// TPR\[7:4\] > ISRV\[7:4\]; else the highest of TPR\[7:4\], ISRV\[7:4\], IRRV\[7:4\], with
    /// bits 3:0 zero.
    pub fn apr(&self) -> u8 {
        let isrv = self.isr.highest().map_or(0, |v| v.0);
        let irrv = self.irr.highest().map_or(0, |v| v.0);
        let t = self.tpr >> 4;
        if t >= irrv >> 4 && t > isrv >> 4 {
            self.tpr
        } else {
            t.max(isrv >> 4).max(irrv >> 4) << 4
        }
    }

    /// Interrupt request register.
    pub fn irr(&self) -> &VectorSet {
        &self.irr
    }

    /// In-service register.
    pub fn isr(&self) -> &VectorSet {
        &self.isr
    }

    /// Trigger mode register.
    pub fn tmr(&self) -> &VectorSet {
        &self.tmr
    }

    /// Spurious-interrupt vector register.
    pub fn svr(&self) -> Svr {
        self.svr
    }

    /// The ESR as software reads it (errors latched by the last ESR write).
    pub fn esr(&self) -> Esr {
        self.esr
    }

    /// An LVT entry.
    pub fn lvt(&self, kind: LvtKind) -> Lvt {
        self.lvt[kind.index()]
    }

    /// The ICR.
    pub fn icr(&self) -> Icr {
        self.icr
    }

    /// The timer state.
    pub fn timer(&self) -> &Timer {
        &self.timer
    }

    /// The timer mode of the LVT timer entry.
    pub fn timer_mode(&self) -> TimerMode {
        self.lvt[LvtKind::Timer.index()].timer_mode()
    }

    /// Is the APIC software-enabled (SVR bit 8)?
    pub fn software_enabled(&self) -> bool {
        self.svr.enabled()
    }

    /// The addressing format this APIC sends with.
    pub fn address_format(&self) -> AddressFormat {
        match self.mode() {
            ApicMode::X2Apic => AddressFormat::X2Apic,
            _ => AddressFormat::XApic,
        }
    }

    /// Non-vectored deliveries accepted since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<LocalEvent> {
        core::mem::take(&mut self.events)
    }

    /// Does `dest` name this APIC (SDM §11.6.2.1 physical, §11.6.2.2 logical flat and cluster,
    /// §11.12.10 x2APIC logical cluster)? A disabled APIC matches nothing.
    pub fn matches(&self, dest: &Destination) -> bool {
        if self.mode() == ApicMode::Disabled {
            return false;
        }
        if dest.is_broadcast() {
            return true;
        }
        match dest.mode {
            DestinationMode::Physical => self.id() == dest.id,
            DestinationMode::Logical => match self.mode() {
                ApicMode::X2Apic => {
                    let ldr = self.ldr();
                    dest.id >> 16 == ldr >> 16 && dest.id & ldr & 0xffff != 0
                }
                _ => {
                    let d = dest.id as u8;
                    let ldr = (self.ldr >> 24) as u8;
                    match self.dfr >> 28 {
                        0xf => d & ldr != 0,
                        0x0 => d >> 4 == ldr >> 4 && d & ldr & 0xf != 0,
                        _ => false,
                    }
                }
            },
        }
    }

    /// Is `vector` pending or in service here (the "focus processor" test, SDM §11.6.2.4)?
    pub fn is_focus_for(&self, vector: Vector) -> bool {
        !self.svr.focus_disabled() && (self.irr.contains(vector) || self.isr.contains(vector))
    }

    /// Accept a message addressed to this APIC (destination already resolved). Returns whether
    /// it was accepted.
    ///
    /// Fixed and lowest-priority messages set the IRR bit and set or clear the TMR bit by
    /// trigger mode (SDM §11.8.4); an illegal vector sets "received illegal vector" instead
    /// (SDM §11.5.3); a software-disabled APIC drops them (irqsuite's choice; SDM §11.4.7.2
    /// only guarantees NMI, SMI, INIT and SIPI). Other modes become [`LocalEvent`]s.
    pub fn accept(&mut self, msg: &InterruptMessage) -> bool {
        if self.mode() == ApicMode::Disabled {
            return false;
        }
        match msg.delivery {
            DeliveryMode::Fixed | DeliveryMode::LowestPriority => {
                match self.accept_vector(msg.vector, msg.trigger) {
                    Acceptance::Accepted => true,
                    Acceptance::Dropped => false,
                    Acceptance::IllegalVector => {
                        self.signal_error(Esr(0).with_received_illegal_vector(true));
                        false
                    }
                }
            }
            DeliveryMode::Nmi => self.push_event(LocalEvent::Nmi),
            DeliveryMode::Smi => self.push_event(LocalEvent::Smi),
            DeliveryMode::Init => self.push_event(LocalEvent::Init),
            DeliveryMode::StartUp => self.push_event(LocalEvent::StartUp(msg.vector)),
            DeliveryMode::ExtInt => self.push_event(LocalEvent::ExtInt),
            DeliveryMode::Reserved3 => false,
        }
    }

    fn push_event(&mut self, e: LocalEvent) -> bool {
        self.events.push(e);
        true
    }

    /// Put a vector into the IRR and set or clear its TMR bit.
    fn accept_vector(&mut self, vector: Vector, trigger: TriggerMode) -> Acceptance {
        if vector.is_illegal() {
            return Acceptance::IllegalVector;
        }
        if !self.software_enabled() {
            return Acceptance::Dropped;
        }
        self.irr.insert(vector);
        match trigger {
            TriggerMode::Edge => self.tmr.remove(vector),
            TriggerMode::Level => self.tmr.insert(vector),
        };
        Acceptance::Accepted
    }

    /// Record errors in the ESR and raise the error LVT (SDM §11.5.3).
    pub fn signal_error(&mut self, errors: Esr) {
        self.esr_pending = Esr(self.esr_pending.0 | errors.0);
        self.raise_local(LvtKind::Error);
    }

    /// A local interrupt source (timer, thermal, performance counter, CMCI, LINT0/1, error)
    /// fired: deliver through its LVT entry unless masked (SDM §11.5.1).
    pub fn raise_local(&mut self, kind: LvtKind) {
        let lvt = self.lvt(kind);
        if lvt.masked() {
            return;
        }
        let delivery = match kind {
            LvtKind::Timer | LvtKind::Error => DeliveryMode::Fixed,
            _ => lvt.delivery_mode(),
        };
        let trigger = match kind {
            LvtKind::Lint0 | LvtKind::Lint1 => lvt.trigger_mode(),
            _ => TriggerMode::Edge,
        };
        match delivery {
            DeliveryMode::Fixed => self.raise_fixed(kind, Vector(lvt.vector()), trigger),
            DeliveryMode::Nmi => self.events.push(LocalEvent::Nmi),
            DeliveryMode::Smi => self.events.push(LocalEvent::Smi),
            DeliveryMode::Init => self.events.push(LocalEvent::Init),
            DeliveryMode::ExtInt => self.events.push(LocalEvent::ExtInt),
            // Lowest priority, start-up and 011 are reserved in an LVT: nothing is delivered.
            _ => {}
        }
    }

    /// A fixed local interrupt from LVT entry `kind`: an illegal vector is an error (the error
    /// LVT's own illegal vector is logged, not raised again).
    fn raise_fixed(&mut self, kind: LvtKind, vector: Vector, trigger: TriggerMode) {
        if self.accept_vector(vector, trigger) != Acceptance::IllegalVector {
            return;
        }
        let illegal = Esr(0).with_received_illegal_vector(true);
        if kind == LvtKind::Error {
            self.esr_pending = Esr(self.esr_pending.0 | illegal.0);
        } else {
            self.signal_error(illegal);
        }
    }

    /// The vector the CPU would take next with interrupts enabled: the highest IRR vector
    /// whose priority class exceeds PPR's (SDM §11.8.3.1). `None` when the APIC is disabled.
    pub fn highest_deliverable(&self) -> Option<Vector> {
        if self.mode() == ApicMode::Disabled {
            return None;
        }
        let v = self.irr.highest()?;
        (v.priority_class() > self.ppr() >> 4).then_some(v)
    }

    /// The CPU takes the highest deliverable vector: IRR → ISR (SDM §11.8.4).
    pub fn deliver(&mut self) -> Option<Vector> {
        let v = self.highest_deliverable()?;
        self.irr.remove(v);
        self.isr.insert(v);
        Some(v)
    }

    /// An EOI: clear the highest ISR bit; for a level-triggered vector (TMR set) without
    /// EOI-broadcast suppression, broadcast the EOI to the IOAPICs (SDM §11.8.5). An EOI with
    /// nothing in service does nothing.
    pub fn eoi(&mut self) -> Option<Effect> {
        let v = self.isr.highest()?;
        self.isr.remove(v);
        (self.tmr.contains(v) && !self.svr.suppress_eoi_broadcast())
            .then_some(Effect::EoiBroadcast(v))
    }

    /// Advance the timer to `now`: an expiry raises the timer LVT (SDM §11.5.4). A masked
    /// timer still counts and reloads.
    pub fn tick(&mut self, now: u64) {
        if self.mode() == ApicMode::Disabled {
            return;
        }
        if self.timer.expire(self.timer_mode(), now) {
            self.raise_local(LvtKind::Timer);
        }
    }

    /// The next tick at which the timer expires, if it is armed.
    pub fn next_timer_expiry(&self) -> Option<u64> {
        self.timer.next_expiry(self.timer_mode())
    }

    /// Write the SVR: clearing the software enable masks every LVT entry (SDM §11.4.7.2).
    fn write_svr(&mut self, value: u32) {
        self.svr = Svr(value & Svr::WRITABLE);
        if !self.svr.enabled() {
            for l in &mut self.lvt {
                *l = l.with_masked(true);
            }
        }
    }

    /// Write an LVT entry: only its writable bits; masked while software-disabled; a timer
    /// mode change is passed to the timer (SDM §11.5.4.1).
    fn write_lvt(&mut self, kind: LvtKind, value: u32) {
        let old = self.lvt(kind);
        let keep = old.0 & !kind.writable();
        let mut new = Lvt(keep | value & kind.writable());
        if !self.software_enabled() {
            new = new.with_masked(true);
        }
        self.lvt[kind.index()] = new;
        if kind == LvtKind::Timer {
            self.timer.mode_changed(old.timer_mode(), new.timer_mode());
        }
    }

    /// Send the ICR's message: an illegal vector sets "send illegal vector" instead
    /// (SDM §11.5.3).
    fn send_icr(&mut self) -> Option<Effect> {
        match self.icr.message(self.cpu, self.address_format()) {
            icr::IcrOutcome::Send(m) => Some(Effect::Message(m)),
            icr::IcrOutcome::IllegalVector(_) => {
                self.signal_error(Esr(0).with_send_illegal_vector(true));
                None
            }
            icr::IcrOutcome::ReservedDeliveryMode | icr::IcrOutcome::InitLevelDeassert => None,
        }
    }
}

/// What happened to a vector offered to the IRR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Acceptance {
    /// In the IRR.
    Accepted,
    /// Dropped: the APIC is software-disabled.
    Dropped,
    /// Vector 0-15.
    IllegalVector,
}

#[cfg(test)]
mod tests;
