//! The VMs of one boot on x86_64, one after another: load KVM's modules, then for each VM the
//! order KVM/x86 wants: the VM, its RAM, the interrupt controllers ([`Chip`], before any vCPU),
//! the guest ELF's segments and the tables of [`super::layout`], the vCPUs with KVM's supported
//! CPUID, the BSP at the PVH entry, then a thread per vCPU. The first vCPU to end the VM
//! (`isa-debug-exit`, ACPI soft-off, a triple fault, an error) ends it; a watchdog ends a VM
//! whose console stayed silent for [`WATCHDOG`] (or `irqsuite.watchdog=<s>`; with the in-kernel
//! local APIC a guest halted with nothing to wake it never exits to the VMM). A VM that ends in an error ends the boot
//! (the host boots again for what is left); after a clean end its vCPU threads are stopped
//! (kicked out of KVM_RUN with a signal) and the next VM starts.

use std::os::unix::thread::JoinHandleExt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use kvm_ioctls::Kvm;

use super::chip::Chip;
use super::vcpu::{self, Shared};
use super::{acpi, boot, elf, layout, modules, ports, start_info};
use crate::config::{self, Config, X86Chip};
use crate::{ram, system};

/// Where the initramfs holds the test guest.
const GUEST_ELF: &str = "/guest.elf";
/// How long a VM may go without a console line, unless the command line says.
pub const WATCHDOG: Duration = Duration::from_secs(60);
/// The signal that kicks a vCPU thread out of KVM_RUN.
const KICK: libc::c_int = libc::SIGUSR1;

/// Runs the VMs the kernel command line asks for; returns how the last one ended.
pub fn run() -> Result<String, String> {
    let start = Instant::now();
    eprintln!("irqsuite-vmm: /init started; loading KVM");
    system::mount_devtmpfs().map_err(|e| format!("mounting devtmpfs on /dev: {e}"))?;
    let cmdline = system::kernel_cmdline()?;
    let vms = config::from_cmdline::<X86Chip>(&cmdline)?;
    let watchdog = config::watchdog_secs(&cmdline)?.map_or(WATCHDOG, Duration::from_secs);
    let image = std::fs::read(GUEST_ELF).map_err(|e| format!("{GUEST_ELF}: {e}"))?;
    modules::load()?;
    eprintln!(
        "irqsuite-vmm: KVM modules loaded {} ms after start",
        start.elapsed().as_millis()
    );
    install_kick_handler()?;
    let kvm = Kvm::new().map_err(|e| format!("opening /dev/kvm: {e}"))?;
    let mut ended = String::new();
    for (n, config) in vms.iter().enumerate() {
        ended = run_vm(&kvm, config, &image, start, watchdog)?;
        eprintln!("irqsuite-vmm: VM {} of {}: {ended}", n + 1, vms.len());
    }
    Ok(ended)
}

/// Writes the guest and the VMM's tables into `ram`.
fn load(ram: &ram::GuestRam, config: &Config<X86Chip>, image: &[u8]) -> Result<u32, String> {
    let elf = elf::parse(image)?;
    for segment in &elf.segments {
        let inside = segment.paddr >= layout::HIGH_RAM.base
            && segment
                .paddr
                .checked_add(segment.memsz)
                .is_some_and(|end| end <= layout::RAM.base + layout::RAM.size);
        if !inside {
            return Err(format!(
                "the guest's segment at {:#x} ({:#x} bytes) lies outside RAM above 1 MiB",
                segment.paddr, segment.memsz
            ));
        }
        ram.write(segment.paddr, segment.bytes)?;
    }
    for (at, table) in acpi::tables(config.cpus) {
        ram.write(at, &table)?;
    }
    let cmdline = format!("{} {}", config.bootargs, ports::DEBUG_EXIT_PARAM);
    ram.write(layout::CMDLINE, &start_info::cmdline(&cmdline)?)?;
    ram.write(layout::START_INFO, &start_info::start_info())?;
    ram.write(layout::MEMMAP, &start_info::memmap_bytes())?;
    ram.write(layout::GDT, &boot::gdt())?;
    Ok(elf.entry)
}

/// Runs one VM with `image` as its guest until it ends.
fn run_vm(
    kvm: &Kvm,
    config: &Config<X86Chip>,
    image: &[u8],
    start: Instant,
    watchdog: Duration,
) -> Result<String, String> {
    let vm = Arc::new(kvm.create_vm().map_err(|e| format!("KVM_CREATE_VM: {e}"))?);
    let ram = ram::GuestRam::new(&vm, layout::RAM)?;
    let chip = Chip::create(Arc::clone(&vm), config.target)?;
    let entry = load(&ram, config, image)?;
    let cpuid = vcpu::supported_cpuid(kvm)?;
    let vcpus = (0..config.cpus)
        .map(|id| vcpu::create(&vm, id, &cpuid))
        .collect::<Result<Vec<_>, _>>()?;
    vcpu::set_pvh_entry(&vcpus[0], entry)?;
    eprintln!(
        "irqsuite-vmm: {:?} with {} vCPUs ready in {} ms, PVH entry {entry:#x}, bootargs {:?}",
        config.target,
        config.cpus,
        start.elapsed().as_millis(),
        config.bootargs
    );

    let shared = Arc::new(Shared::new(chip));
    let (ended, first_end) = mpsc::channel();
    let mut threads = Vec::new();
    for (id, fd) in (0u8..).zip(vcpus) {
        let shared = Arc::clone(&shared);
        let ended = ended.clone();
        let thread = std::thread::Builder::new()
            .name(format!("vcpu{id}"))
            .spawn(move || {
                let _ = ended.send(vcpu::run(fd, id, &shared));
            })
            .map_err(|e| format!("starting the thread of vCPU {id}: {e}"))?;
        threads.push(thread);
    }
    drop(ended);
    let outcome = watch(&shared, &first_end, watchdog);
    shared.stop.store(true, Ordering::SeqCst);
    let rest = shared
        .com1
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .flush();
    if !rest.is_empty() {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&rest);
        let _ = out.write_all(b"\n");
    }
    if outcome.is_ok() {
        stop_threads(threads);
    }
    outcome.map(|how| format!("{how}, {} ms after start", start.elapsed().as_millis()))
}

/// Waits for the first vCPU to end the VM, or for `watchdog` of console silence.
fn watch(
    shared: &Shared,
    first_end: &mpsc::Receiver<vcpu::Ended>,
    watchdog: Duration,
) -> vcpu::Ended {
    loop {
        match first_end.recv_timeout(Duration::from_secs(1)) {
            Ok(outcome) => return outcome,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err("every vCPU thread ended without a word".into());
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let now = shared.started.elapsed();
                let last = Duration::from_millis(shared.last_line_ms.load(Ordering::Relaxed));
                if now.saturating_sub(last) > watchdog {
                    return Err(format!(
                        "watchdog: no console line for {} s (a vCPU halted with nothing to wake it?)",
                        watchdog.as_secs()
                    ));
                }
            }
        }
    }
}

/// Kicks every vCPU thread out of KVM_RUN until it has returned (its `stop` is set), for at
/// most a second; a thread that does not return is left behind.
fn stop_threads(threads: Vec<std::thread::JoinHandle<()>>) {
    let deadline = Instant::now() + Duration::from_secs(1);
    for thread in threads {
        while !thread.is_finished() && Instant::now() < deadline {
            // std's RawPthread is a u64; musl's pthread_t a pointer, glibc's an integer.
            #[allow(clippy::unnecessary_cast)]
            let pthread = thread.as_pthread_t() as libc::pthread_t;
            // SAFETY: the thread has not been joined, so its pthread_t is valid; KICK has a
            // handler that does nothing, so the signal only interrupts KVM_RUN.
            unsafe { libc::pthread_kill(pthread, KICK) };
            std::thread::sleep(Duration::from_millis(5));
        }
        if thread.is_finished() {
            let _ = thread.join();
        }
    }
}

/// The handler of [`KICK`]: nothing (the interrupted KVM_RUN returns EINTR).
extern "C" fn kicked(_: libc::c_int) {}

/// Installs [`kicked`] for [`KICK`], without SA_RESTART.
fn install_kick_handler() -> Result<(), String> {
    // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value before we fill it.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = kicked as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: `action` is a valid sigaction whose handler is async-signal-safe (it does
    // nothing); the old action is not wanted.
    let ret = unsafe { libc::sigaction(KICK, &action, std::ptr::null_mut()) };
    if ret == 0 {
        Ok(())
    } else {
        Err(format!("sigaction: {}", std::io::Error::last_os_error()))
    }
}
