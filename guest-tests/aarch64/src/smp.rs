//! Secondary CPUs: bring-up at boot ([`start_secondaries`]) and the mailboxes through which the
//! CPU running a case runs code on another one ([`run_on`], behind `GuestPlatform::on_cpu`).
//!
//! Bring-up: every `/cpus/cpu@*` node after the first (the boot CPU), up to [`MAX_CPUS`], is
//! started with PSCI CPU_ON (target = the node's `reg`) through aarch64-rt's `start_core`. The
//! CPU enters aarch64-rt's `secondary_entry`, which turns its MMU on with the boot CPU's tables,
//! TCR, MAIR and SCTLR ([`crate::mmu`]), lets it use FP, sets SP to the top of its own stack in
//! [`STACKS`], installs the same exception vectors and calls [`secondary_main`] with the
//! CPU index and a copy of the boot CPU's [`GuestPlatform`]. There it records its index in
//! TPIDR_EL1 ([`this_cpu`]), brings up its CPU interface (GICv3: ICC_SRE_EL1.SRE, its
//! redistributor awake; the kit's reset does the rest) and reports itself online.
//!
//! The mailboxes themselves ([`guest_runtime::mailbox`]) are shared with the x86_64 guest; here
//! is what is Arm's: `sev` wakes a CPU waiting in `wfe`, the clock is the virtual counter, and a
//! job that overruns powers the machine off through PSCI.

use aarch64_rt::{Stack, start_core};
use guest_kit::{CpuOffline, Platform};
use guest_runtime::mailbox::{JobLimits, Mailboxes, NotRun};
use smccc::{Hvc, Smc};

use crate::console::log;
use crate::dt::{CpuNode, MAX_CPUS, Machine};
use crate::platform::GuestPlatform;
use crate::psci::{self, Conduit};
use crate::sysreg::{self, Arch};

/// Pages (4 KiB) of stack for each secondary CPU.
const STACK_PAGES: usize = 8;
/// How long the boot CPU waits for the secondaries to come online after CPU_ON.
const ONLINE_TIMEOUT_MS: u64 = 1_000;
/// How long a posted job may wait for its CPU to take it before the CPU is given up on.
const PICKUP_TIMEOUT_MS: u64 = 1_000;
/// How long a job may run. Cases poll with bounded loops, far shorter; past this the CPU is
/// stuck inside the job, which points into the poster's stack, so the poster cannot return
/// (see [`run_on`]).
const RUN_TIMEOUT_MS: u64 = 5_000;
/// MPIDR_EL1's affinity fields: Aff3 (39:32), Aff2-Aff0 (23:0).
const MPIDR_AFFINITY: u64 = 0xff_00ff_ffff;

/// The secondary CPUs' stacks: CPU `n` (1 ≤ n < [`MAX_CPUS`]) uses entry `n - 1`. In a
/// `.stack.*` section, which aarch64-rt's `image.ld` keeps out of the loaded image and `.bss`.
#[unsafe(link_section = ".stack.secondary")]
static mut STACKS: [Stack<STACK_PAGES>; MAX_CPUS - 1] = [const { Stack::new() }; MAX_CPUS - 1];

/// One mailbox per CPU; jobs get the CPU's platform.
static MAILBOXES: Mailboxes<Arch, GuestPlatform, MAX_CPUS> = Mailboxes::new();

/// The calling CPU's index (discovery order, 0 = boot CPU), from TPIDR_EL1. Out of range only
/// before a CPU has set it, which is read as the boot CPU's slot.
pub fn this_cpu() -> usize {
    match usize::try_from(sysreg::cpu_index()) {
        Ok(index) if index < MAX_CPUS => index,
        _ => 0,
    }
}

/// Counter ticks in `ms` milliseconds.
fn ticks(ms: u64) -> u64 {
    (sysreg::counter_frequency() / 1_000).max(1) * ms
}

/// Starts every secondary CPU the device tree lists and waits (bounded) for them to come online.
/// A CPU that does not is named in a `log` record; `TargetInfo::cpus` still counts it, so a
/// case that uses it reports it offline.
pub fn start_secondaries(machine: &Machine, platform: &GuestPlatform) {
    let boot = sysreg::mpidr() & MPIDR_AFFINITY;
    if machine.cpu_nodes[0].mpidr.is_some_and(|m| m != boot) {
        log(format_args!(
            "boot cpu mpidr {boot:#x} is not the first /cpus node's reg: cpu numbers may not match"
        ));
    }
    if usize::from(machine.cpus) > MAX_CPUS {
        log(format_args!(
            "{} cpus listed: cpus {MAX_CPUS} and up are not started",
            machine.cpus
        ));
    }
    let count = usize::from(machine.cpus).min(MAX_CPUS);
    let mut started = [false; MAX_CPUS];
    for (index, node) in machine.cpu_nodes.iter().enumerate().take(count).skip(1) {
        match start(index, *node, boot, platform) {
            Ok(()) => started[index] = true,
            Err(why) => log(format_args!("cpu {index} offline: {why}")),
        }
    }
    let begin = sysreg::counter();
    for index in (1..count).filter(|&i| started[i]) {
        if MAILBOXES
            .wait_online(index, begin, ticks(ONLINE_TIMEOUT_MS))
            .is_err()
        {
            log(format_args!(
                "cpu {index} offline: not online {ONLINE_TIMEOUT_MS} ms after CPU_ON"
            ));
        }
    }
}

/// Why a CPU was not started.
enum NotStarted {
    NoReg,
    NotPsci,
    BootCpu,
    NoConduit,
    CpuOn(smccc::psci::Error),
}

impl core::fmt::Display for NotStarted {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            NotStarted::NoReg => f.write_str("its /cpus node has no usable reg"),
            NotStarted::NotPsci => f.write_str("its enable-method is not psci"),
            NotStarted::BootCpu => f.write_str("its reg is the boot cpu's mpidr"),
            NotStarted::NoConduit => f.write_str("no /psci method in the device tree"),
            NotStarted::CpuOn(e) => write!(f, "PSCI CPU_ON failed: {e:?}"),
        }
    }
}

/// Issues CPU_ON for CPU `index`, described by `node`.
fn start(
    index: usize,
    node: CpuNode,
    boot: u64,
    platform: &GuestPlatform,
) -> Result<(), NotStarted> {
    let mpidr = node.mpidr.ok_or(NotStarted::NoReg)?;
    if !node.psci {
        return Err(NotStarted::NotPsci);
    }
    if mpidr & MPIDR_AFFINITY == boot {
        return Err(NotStarted::BootCpu);
    }
    let conduit = psci::conduit().ok_or(NotStarted::NoConduit)?;
    let view = platform.clone();
    let cpu = index as u8;
    let entry = move || secondary_main(cpu, view);
    let stack = (&raw mut STACKS)
        .cast::<Stack<STACK_PAGES>>()
        .wrapping_add(index - 1);
    // SAFETY: `stack` is entry `index - 1` of STACKS (1 <= index < MAX_CPUS), used by CPU
    // `index` alone: each CPU is started once, only from here, and nothing else touches
    // STACKS. It is RAM mapped Normal write-back in the identity map both this CPU and the new
    // one run with (the new one turns its MMU on before reading it), and lives for the program.
    let result = unsafe {
        match conduit {
            Conduit::Hvc => start_core::<Hvc, _, STACK_PAGES>(mpidr, stack, entry),
            Conduit::Smc => start_core::<Smc, _, STACK_PAGES>(mpidr, stack, entry),
        }
    };
    result.map_err(NotStarted::CpuOn)
}

/// A secondary CPU's first Rust code: set up, go online, serve its mailbox.
fn secondary_main(cpu: u8, mut platform: GuestPlatform) -> ! {
    // Before anything can fault: the exception handlers find this CPU's state by its index.
    sysreg::set_cpu_index(cpu);
    sysreg::mask_interrupts();
    platform.bring_up_cpu_interface(cpu);
    // The set-up's register writes (GICR_WAKER) complete before the boot CPU sees us online.
    sysreg::barrier();
    // Fails only if the boot CPU gave up on this CPU already: then stay out of the way for good.
    if MAILBOXES.go_online(usize::from(cpu)).is_err() {
        park();
    }
    MAILBOXES.serve(usize::from(cpu), &mut platform)
}

/// Runs `f` on CPU `cpu` (not the caller) through its mailbox and waits for it to finish.
///
/// `Err(CpuOffline)` when the CPU is not online (never came up, given up on, busy, or the boot
/// CPU, which serves no mailbox), or when it does not take the job within PICKUP_TIMEOUT_MS: it
/// is then marked dead. A CPU that took the job but is still running it after RUN_TIMEOUT_MS
/// powers the machine off: the job refers to this CPU's stack, so returning would let it write
/// into memory this CPU reuses (the host reboots the guest after the case, as after a panic).
pub fn run_on(cpu: u8, f: &mut dyn FnMut(&mut dyn Platform)) -> Result<(), CpuOffline> {
    let limits = JobLimits {
        pickup: ticks(PICKUP_TIMEOUT_MS),
        run: ticks(RUN_TIMEOUT_MS),
    };
    let mut job = |platform: &mut GuestPlatform| f(platform);
    MAILBOXES
        .run_on(cpu, &mut job, limits, overran)
        .map_err(|why| match why {
            NotRun::Offline => CpuOffline,
            NotRun::NotTaken => {
                log(format_args!(
                    "cpu {cpu} offline: took no job for {PICKUP_TIMEOUT_MS} ms, given up"
                ));
                CpuOffline
            }
        })
}

/// A job on CPU `cpu` ran past RUN_TIMEOUT_MS: say so and power off.
fn overran(cpu: u8) -> ! {
    log(format_args!(
        "cpu {cpu} still running a job after {RUN_TIMEOUT_MS} ms: powering off"
    ));
    psci::system_off()
}

/// Where a secondary the boot CPU gave up on spends the rest of the run.
fn park() -> ! {
    loop {
        sysreg::wait_for_event();
    }
}
