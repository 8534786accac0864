//! [`GuestPlatform`]: the kit's [`Platform`] on an x86 machine. Sites resolve to the addresses
//! ACPI gave ([`crate::acpi`]); every access is one instruction under [`guarded`], so an
//! exception comes back as a `Fault::X86`.
//!
//! The local APIC and the MSRs are whichever CPU makes the access, so every CPU's copy is the
//! same view; `on_cpu` runs code on another CPU through [`crate::smp`].

use core::sync::atomic::{AtomicU32, Ordering};

use guest_kit::inject::{Inject, Injection, Refused, Reply, parse_reply};
use guest_kit::protocol::Record;
use guest_kit::regs::ioapic;
use guest_kit::{
    Arch, CpuOffline, Fault, GicVersion, Platform, Site, Taken, TargetInfo, Width, X86Info,
};

use crate::acpi::Machine;
use crate::traps::{self, guarded};
use crate::{arena, console, cpu, devices, mmio, smp, time};

/// The local APIC's register page.
const LAPIC_SIZE: u32 = 0x1000;
/// The IOAPIC's and a VT-d unit's register window kept (one 4 KiB page).
const WINDOW_SIZE: u32 = 0x1000;
/// How long the guest waits for the host's answer to a request.
const REQUEST_TIMEOUT_US: u64 = 10_000_000;
/// The wait [`Platform::delay`] makes.
const DELAY_US: u64 = 1;

/// The machine's APICs and remapping unit, as the kit sees them.
#[derive(Clone, Copy)]
pub struct GuestPlatform {
    info: TargetInfo,
    lapic: u64,
    ioapic: Option<u64>,
    dmar: Option<u64>,
    /// The interrupt sources the guest drives itself (COM2's line, the edu device's MSIs).
    sources: devices::LocalSources,
    /// The requests the host serves (`irqsuite.inject=`).
    host_inject: Injection,
}

impl GuestPlatform {
    /// The platform of `machine` with `cpus` CPUs reported (started or not: a CPU that did not
    /// start is `offline` to the case that uses it).
    pub fn new(machine: &Machine, cmdline: &str) -> GuestPlatform {
        let mut platform = GuestPlatform {
            info: TargetInfo {
                arch: Arch::X86_64,
                gic: GicVersion::V2,
                cpus: machine.cpus as u8,
                it_lines: 0,
                pri_bits: 0,
                its: false,
                lpi_clearable: false,
                inject: Injection::from_bootargs(cmdline),
                arena: arena::ARENA.base(),
                x86: X86Info {
                    ioapic_pins: 0,
                    x2apic: cpu::has_x2apic(),
                    iommu: machine.dmar.is_some(),
                    tsc_deadline: cpu::has_tsc_deadline(),
                },
            },
            lapic: machine.lapic_base,
            ioapic: machine.ioapic.map(|(base, _)| base),
            dmar: machine.dmar,
            sources: devices::LocalSources::probe(machine),
            host_inject: Injection::from_bootargs(cmdline),
        };
        platform.info.x86.ioapic_pins = platform.ioapic_pins();
        platform.info.inject |= platform.sources.injection();
        platform
    }

    /// IOAPICVER.MaximumRedirectionEntry + 1 of the first IOAPIC (0 without one).
    fn ioapic_pins(&mut self) -> u8 {
        if self.ioapic.is_none() {
            return 0;
        }
        let w = Width::B32;
        let _ = self.write(
            Site::Ioapic(ioapic::IOREGSEL),
            w,
            ioapic::REG_VERSION.into(),
        );
        let version = self.read(Site::Ioapic(ioapic::IOWIN), w).unwrap_or(0);
        ioapic::Version(version as u32).pins().min(255) as u8
    }

    /// The local APIC's base address.
    pub fn lapic_base(&self) -> u64 {
        self.lapic
    }

    /// The address of an MMIO site, or `None` when this machine has no such register.
    fn address(&self, site: Site, width: Width) -> Option<u64> {
        let within = |base: Option<u64>, size: u32, offset: u32| {
            let end = offset.checked_add(width.bytes().into())?;
            (end <= size).then(|| base.map(|b| b + u64::from(offset)))?
        };
        match site {
            Site::Lapic(offset) => within(Some(self.lapic), LAPIC_SIZE, offset),
            Site::Ioapic(offset) => within(self.ioapic, WINDOW_SIZE, offset),
            Site::Dmar(offset) => within(self.dmar, WINDOW_SIZE, offset),
            _ => None,
        }
    }
}

impl Platform for GuestPlatform {
    fn info(&self) -> TargetInfo {
        self.info
    }

    fn read(&mut self, site: Site, width: Width) -> Result<u64, Fault> {
        if let Site::Msr(msr) = site {
            // SAFETY: RDMSR under `guarded`, which turns a #GP into a fault; reads of the MSRs
            // cases name (APIC, TSC deadline) have no side effect.
            return guarded(mmio::MSR_LEN, || unsafe { mmio::rdmsr(msr) } & width.mask());
        }
        let addr = self.address(site, width).ok_or(Fault::Absent)?;
        // SAFETY: `addr` lies in the local APIC, IOAPIC or VT-d register page from ACPI,
        // identity-mapped uncached; never RAM the program uses.
        guarded(mmio::len(width), || unsafe { mmio::read(addr, width) })
    }

    fn write(&mut self, site: Site, width: Width, value: u64) -> Result<(), Fault> {
        if let Site::Msr(msr) = site {
            // SAFETY: WRMSR under `guarded`. The MSRs cases write are the APIC's, the TSC
            // deadline and IA32_APIC_BASE (mode switches; the xAPIC page stays where it is).
            return guarded(mmio::MSR_LEN, || unsafe {
                mmio::wrmsr(msr, value & width.mask())
            });
        }
        let addr = self.address(site, width).ok_or(Fault::Absent)?;
        // SAFETY: as for `read`.
        guarded(mmio::len(width), || unsafe {
            mmio::write(addr, width, value)
        })
    }

    /// Serves the request itself when a device of [`devices`] can (COM2's line, the edu's
    /// MSIs); otherwise, when the host declared that kind of request, prints it and waits (up
    /// to [`REQUEST_TIMEOUT_US`]) for the host's answer on COM1; otherwise refuses it.
    fn inject(&mut self, request: Inject) -> Result<(), Refused> {
        if self.sources.serve(request) {
            return Ok(());
        }
        if !self.host_inject.contains(request_kind(request)) {
            return Err(request.refusal().1);
        }
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let id = NEXT.fetch_add(1, Ordering::SeqCst);
        console::emit(&Record::Request { id, request });
        let deadline = time::now_us() + REQUEST_TIMEOUT_US;
        let mut buf = [0; console::INPUT_LINE];
        loop {
            let line = console::read_line(&mut buf, deadline)
                .ok_or(Refused("no answer from the host to a request"))?;
            match parse_reply(line) {
                Some((answer, Reply::Done)) if answer == id => return Ok(()),
                Some((answer, Reply::Refused)) if answer == id => return Err(request.refusal().1),
                _ => continue,
            }
        }
    }

    fn mem_write(&mut self, gpa: u64, data: &[u8]) -> Result<(), Fault> {
        arena::ARENA.write(gpa, data).ok_or(Fault::Absent)
    }

    fn mem_read(&mut self, gpa: u64, buf: &mut [u8]) -> Result<(), Fault> {
        arena::ARENA.read(gpa, buf).ok_or(Fault::Absent)
    }

    /// `mfence`, then about a microsecond on the TSC.
    fn delay(&mut self) {
        cpu::barrier();
        time::delay_us(DELAY_US);
    }

    fn on_cpu(&mut self, cpu: u8, f: &mut dyn FnMut(&mut dyn Platform)) -> Result<(), CpuOffline> {
        if usize::from(cpu) == cpu::this_cpu() {
            f(self);
            return Ok(());
        }
        smp::run_on(cpu, f)
    }

    fn take_interrupts(&mut self) -> Taken {
        traps::window()
    }
}

/// The [`Injection`] bit a request needs.
fn request_kind(request: Inject) -> Injection {
    match request {
        Inject::Line { .. } => Injection::LINE,
        Inject::Msi { .. } => Injection::MSI,
        Inject::X86Msi { .. } => Injection::X86_MSI,
    }
}
