//! The x86_64 vCPUs: created after the interrupt controllers, each with KVM's supported CPUID
//! (its own initial APIC ID in leaf 1 EBX[31:24] and leaves 0xB/0x1F EDX, the hypervisor bit
//! set); vCPU 0 is the BSP and starts at the PVH entry ([`super::boot`]); the others wait for
//! INIT-SIPI-SIPI in KVM's local APIC (KVM_MP_STATE_UNINITIALIZED, KVM's own reset state for a
//! non-BSP vCPU). Each runs on its own thread: port I/O (COM1, the PM timer and PM1 control,
//! `isa-debug-exit`, the PIC's masks when the PIC is not KVM's) and the split IOAPIC's MMIO are
//! served here; a guest request read off COM1 is carried out there and then, its answer queued
//! as COM1 input.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Instant;

use kvm_bindings::{
    CpuId, KVM_MAX_CPUID_ENTRIES, KVM_MP_STATE_UNINITIALIZED, kvm_regs, kvm_segment,
};
use kvm_ioctls::{Cap, Kvm, VcpuExit, VcpuFd, VmFd};

use super::boot::{self, Segment};
use super::chip::Chip;
use super::com1::{self, Com1};
use super::{layout, ports};
use crate::requests;

/// CR0.PE.
const CR0_PE: u64 = 1;
/// CR0.PG.
const CR0_PG: u64 = 1 << 31;
/// CPUID.1:ECX.TSC-Deadline.
const CPUID_TSC_DEADLINE: u32 = 1 << 24;
/// CPUID.1:ECX.hypervisor.
const CPUID_HYPERVISOR: u32 = 1 << 31;
/// Unknown port and MMIO accesses reported before going quiet.
const REPORTED_UNKNOWN: u32 = 16;

/// What every vCPU of a VM shares.
pub struct Shared {
    /// The console.
    pub com1: Mutex<Com1>,
    /// The interrupt controllers (and the requests they serve).
    pub chip: Chip,
    /// When the VM started (the PM timer's zero).
    pub started: Instant,
    /// Milliseconds after `started` of the last console line (the watchdog's clock).
    pub last_line_ms: AtomicU64,
    /// Set when the VM is over: every vCPU thread returns at its next exit.
    pub stop: AtomicBool,
    /// Unknown accesses reported so far.
    unknown: AtomicU32,
}

impl Shared {
    /// The state of a new VM with `chip`.
    pub fn new(chip: Chip) -> Shared {
        Shared {
            com1: Mutex::new(Com1::default()),
            chip,
            started: Instant::now(),
            last_line_ms: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            unknown: AtomicU32::new(0),
        }
    }

    fn report_unknown(&self, what: std::fmt::Arguments<'_>) {
        if self.unknown.fetch_add(1, Ordering::Relaxed) < REPORTED_UNKNOWN {
            eprintln!("irqsuite-vmm: {what}");
        }
    }
}

/// What KVM can do as the vCPUs' CPUID: `KVM_GET_SUPPORTED_CPUID`, plus the local APIC's
/// TSC-deadline mode where `KVM_CAP_TSC_DEADLINE_TIMER` says KVM emulates it (KVM leaves
/// advertising it, CPUID.01H:ECX[24], to the VMM; SDM vol. 3 11.5.4.1).
pub fn supported_cpuid(kvm: &Kvm) -> Result<CpuId, String> {
    let mut cpuid = kvm
        .get_supported_cpuid(KVM_MAX_CPUID_ENTRIES)
        .map_err(|e| format!("KVM_GET_SUPPORTED_CPUID: {e}"))?;
    if kvm.check_extension(Cap::TscDeadlineTimer) {
        for entry in cpuid.as_mut_slice().iter_mut().filter(|e| e.function == 1) {
            entry.ecx |= CPUID_TSC_DEADLINE;
        }
    }
    Ok(cpuid)
}

/// Creates vCPU `id` with `cpuid` made its own.
pub fn create(vm: &VmFd, id: u8, cpuid: &CpuId) -> Result<VcpuFd, String> {
    let vcpu = vm
        .create_vcpu(id.into())
        .map_err(|e| format!("KVM_CREATE_VCPU {id}: {e}"))?;
    let mut cpuid = cpuid.clone();
    for entry in cpuid.as_mut_slice() {
        match entry.function {
            1 => {
                entry.ebx = (entry.ebx & 0x00ff_ffff) | u32::from(id) << 24;
                entry.ecx |= CPUID_HYPERVISOR;
            }
            0xb | 0x1f => entry.edx = id.into(),
            _ => {}
        }
    }
    vcpu.set_cpuid2(&cpuid)
        .map_err(|e| format!("KVM_SET_CPUID2 {id}: {e}"))?;
    if id != 0 {
        let state = vcpu
            .get_mp_state()
            .map_err(|e| format!("KVM_GET_MP_STATE {id}: {e}"))?;
        if state.mp_state != KVM_MP_STATE_UNINITIALIZED {
            return Err(format!(
                "vCPU {id} is not waiting for INIT-SIPI (mp_state {})",
                state.mp_state
            ));
        }
    }
    Ok(vcpu)
}

/// A segment register holding `s`.
fn segment(s: Segment) -> kvm_segment {
    kvm_segment {
        base: s.base.into(),
        limit: s.limit,
        selector: s.selector,
        type_: s.kind,
        present: 1,
        dpl: 0,
        db: s.big.into(),
        s: s.code_or_data.into(),
        l: 0,
        g: s.granular.into(),
        avl: 0,
        unusable: 0,
        padding: 0,
    }
}

/// Puts the BSP at the PVH entry `entry` (32-bit protected mode, paging off, flat segments,
/// `ebx` the start info).
pub fn set_pvh_entry(vcpu: &VcpuFd, entry: u32) -> Result<(), String> {
    let mut sregs = vcpu
        .get_sregs()
        .map_err(|e| format!("KVM_GET_SREGS: {e}"))?;
    sregs.cs = segment(boot::CODE32);
    let data = segment(boot::DATA32);
    (sregs.ds, sregs.es, sregs.fs, sregs.gs, sregs.ss) = (data, data, data, data, data);
    sregs.tr = segment(boot::TSS32);
    sregs.gdt.base = layout::GDT;
    sregs.gdt.limit = (boot::gdt().len() - 1) as u16;
    sregs.cr0 = (sregs.cr0 | CR0_PE) & !CR0_PG;
    sregs.cr4 = 0;
    sregs.efer = 0;
    vcpu.set_sregs(&sregs)
        .map_err(|e| format!("KVM_SET_SREGS: {e}"))?;
    let regs = kvm_regs {
        rip: entry.into(),
        rbx: layout::START_INFO,
        rflags: 0x2,
        ..Default::default()
    };
    vcpu.set_regs(&regs)
        .map_err(|e| format!("KVM_SET_REGS: {e}"))
}

/// How a vCPU's run ended.
pub type Ended = Result<String, String>;

/// Runs `vcpu` (number `id`) until the guest ends the VM, something fails, or `shared.stop`.
pub fn run(mut vcpu: VcpuFd, id: u8, shared: &Shared) -> Ended {
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return Ok(format!("vCPU {id}: stopped"));
        }
        match vcpu.run() {
            Ok(VcpuExit::IoOut(port, data)) => {
                if let Some(end) = port_out(shared, port, data) {
                    return end.map(|how| format!("vCPU {id}: {how}"));
                }
            }
            Ok(VcpuExit::IoIn(port, data)) => port_in(shared, port, data),
            Ok(VcpuExit::MmioRead(addr, data)) => {
                let value = if layout::IOAPIC.contains(addr) {
                    let offset = (addr - layout::IOAPIC.base) as u32;
                    shared.chip.ioapic_read(offset, data.len() as u8)
                } else {
                    None
                };
                let value = value.unwrap_or_else(|| {
                    shared.report_unknown(format_args!(
                        "vCPU {id}: read of unbacked {addr:#x} returns all ones"
                    ));
                    u32::MAX
                });
                let bytes = u64::from(value).to_le_bytes();
                let n = data.len().min(4);
                data[..n].copy_from_slice(&bytes[..n]);
                data[n..].fill(0);
            }
            Ok(VcpuExit::MmioWrite(addr, data)) => {
                let mut bytes = [0u8; 4];
                let n = data.len().min(4);
                bytes[..n].copy_from_slice(&data[..n]);
                let value = u32::from_le_bytes(bytes);
                let served = layout::IOAPIC.contains(addr)
                    && shared.chip.ioapic_write(
                        (addr - layout::IOAPIC.base) as u32,
                        data.len() as u8,
                        value,
                    );
                if !served {
                    shared.report_unknown(format_args!(
                        "vCPU {id}: write of {data:02x?} to unbacked {addr:#x} ignored"
                    ));
                }
            }
            Ok(VcpuExit::IoapicEoi(vector)) => shared.chip.ioapic_eoi(vector),
            Ok(VcpuExit::Shutdown) => {
                return Err(format!(
                    "vCPU {id}: the guest shut down (a triple fault: KVM_EXIT_SHUTDOWN)"
                ));
            }
            Ok(VcpuExit::Intr) => {}
            Ok(other) => return Err(format!("vCPU {id}: unexpected exit {other:?}")),
            Err(e) if e.errno() == libc::EINTR || e.errno() == libc::EAGAIN => {}
            Err(e) => return Err(format!("vCPU {id}: KVM_RUN: {e}")),
        }
    }
}

/// A guest `out` to `port`; `Some` when it ended the VM.
fn port_out(shared: &Shared, port: u16, data: &[u8]) -> Option<Ended> {
    let value = data.iter().rev().fold(0u32, |v, &b| v << 8 | u32::from(b));
    match port {
        p if com1::PORTS.contains(&p) => {
            // COM1's registers are bytes: a string `rep outsb` exit carries `count` of them.
            let mut uart = shared.com1.lock().unwrap_or_else(|e| e.into_inner());
            for &byte in data {
                if let Some(line) = uart.write(p - com1::BASE, byte) {
                    let ms = shared.started.elapsed().as_millis() as u64;
                    shared.last_line_ms.store(ms, Ordering::Relaxed);
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(&line);
                    let _ = out.flush();
                    if let Some((number, request)) = requests::request_in(&line) {
                        let served = shared.chip.serve(request);
                        uart.receive(requests::answer(number, request, served).as_bytes());
                    }
                }
            }
        }
        ports::DEBUG_EXIT => return Some(ports::debug_exit(value)),
        ports::PM1A_CNT if ports::is_sleep(value as u16) => {
            return Some(Ok("the guest powered off (ACPI PM1a_CNT.SLP_EN)".into()));
        }
        // PM1 status/enable and control writes without SLP_EN change nothing here; the PIC's
        // masks are the guest masking a PIC that is not KVM's (the split target has none).
        p if (ports::PM1A_EVT..ports::PM_TMR).contains(&p) || ports::PIC_DATA.contains(&p) => {}
        _ => shared.report_unknown(format_args!("out {value:#x} to port {port:#x} ignored")),
    }
    None
}

/// A guest `in` from `port`.
fn port_in(shared: &Shared, port: u16, data: &mut [u8]) {
    let value: u32 = match port {
        p if com1::PORTS.contains(&p) => {
            let mut uart = shared.com1.lock().unwrap_or_else(|e| e.into_inner());
            uart.read(p - com1::BASE).into()
        }
        ports::PM_TMR => ports::pm_timer(shared.started.elapsed().as_nanos() as u64),
        p if (ports::PM1A_EVT..ports::PM_TMR).contains(&p) => 0,
        _ => {
            shared.report_unknown(format_args!("in from port {port:#x} reads all ones"));
            u32::MAX
        }
    };
    let bytes = value.to_le_bytes();
    let n = data.len().min(4);
    data[..n].copy_from_slice(&bytes[..n]);
}
