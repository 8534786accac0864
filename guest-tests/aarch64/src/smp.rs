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
//! Mailbox states (one [`Mailbox`] per CPU), and who moves them:
//!
//! ```text
//! OFFLINE --secondary, online--> IDLE --poster--> CLAIMED --poster--> POSTED
//! POSTED --secondary--> RUNNING --secondary--> DONE --poster--> IDLE
//! OFFLINE, POSTED --boot CPU, timed out--> DEAD (for good; a late CPU parks)
//! ```
//!
//! Only one CPU runs case code at a time: the poster waits in [`run_on`] while the job runs. The
//! boot CPU serves no mailbox (it is the one waiting), so code on a secondary cannot run code on
//! CPU 0: that is reported as offline.

use core::fmt::Write;
use core::sync::atomic::{AtomicPtr, AtomicU8, Ordering};

use aarch64_rt::{Stack, start_core};
use guest_kit::protocol::Record;
use guest_kit::{CpuOffline, Platform};
use smccc::{Hvc, Smc};

use crate::dt::{CpuNode, MAX_CPUS, Machine};
use crate::platform::GuestPlatform;
use crate::psci::{self, Conduit};
use crate::{console, sysreg};
use guest_kit::text::Truncating;

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

/// Mailbox states (see the module documentation).
const OFFLINE: u8 = 0;
const IDLE: u8 = 1;
const CLAIMED: u8 = 2;
const POSTED: u8 = 3;
const RUNNING: u8 = 4;
const DONE: u8 = 5;
const DEAD: u8 = 6;

/// The secondary CPUs' stacks: CPU `n` (1 ≤ n < [`MAX_CPUS`]) uses entry `n - 1`. In a
/// `.stack.*` section, which aarch64-rt's `image.ld` keeps out of the loaded image and `.bss`.
#[unsafe(link_section = ".stack.secondary")]
static mut STACKS: [Stack<STACK_PAGES>; MAX_CPUS - 1] = [const { Stack::new() }; MAX_CPUS - 1];

/// One CPU's mailbox, on a cache line of its own.
#[repr(align(64))]
struct Mailbox {
    state: AtomicU8,
    /// A `*mut Job` while the state is POSTED or RUNNING.
    job: AtomicPtr<()>,
}

impl Mailbox {
    const fn new() -> Mailbox {
        Mailbox {
            state: AtomicU8::new(OFFLINE),
            job: AtomicPtr::new(core::ptr::null_mut()),
        }
    }
}

static MAILBOXES: [Mailbox; MAX_CPUS] = [const { Mailbox::new() }; MAX_CPUS];

/// What a poster hands to another CPU: the closure (a fat pointer, behind this thin one).
struct Job<'a> {
    f: &'a mut dyn FnMut(&mut dyn Platform),
}

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

/// Prints a `log` record formatted into a fixed buffer.
fn log(args: core::fmt::Arguments<'_>) {
    let mut text = Truncating::default();
    let _ = text.write_fmt(args);
    console::emit(&Record::Log(text.as_str()));
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
        let mailbox = &MAILBOXES[index];
        loop {
            // Acquire: pairs with the secondary's release of IDLE, after its set-up.
            if mailbox.state.load(Ordering::Acquire) == IDLE {
                break;
            }
            if sysreg::counter().wrapping_sub(begin) > ticks(ONLINE_TIMEOUT_MS)
                && mailbox
                    .state
                    .compare_exchange(OFFLINE, DEAD, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
            {
                log(format_args!(
                    "cpu {index} offline: not online {ONLINE_TIMEOUT_MS} ms after CPU_ON"
                ));
                break;
            }
            sysreg::yield_cpu();
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
    let mailbox = &MAILBOXES[usize::from(cpu)];
    // Release: pairs with the boot CPU's acquire load of IDLE. Fails only if the boot CPU gave
    // up on this CPU already (DEAD): then stay out of the way for good.
    if mailbox
        .state
        .compare_exchange(OFFLINE, IDLE, Ordering::Release, Ordering::Relaxed)
        .is_err()
    {
        park();
    }
    sysreg::send_event();
    serve(mailbox, &mut platform)
}

/// Waits for jobs in `mailbox` and runs them with `platform`, forever.
fn serve(mailbox: &Mailbox, platform: &mut GuestPlatform) -> ! {
    loop {
        // Acquire: pairs with the poster's release of POSTED, so the job pointer and everything
        // the poster wrote before (the closure's captures, the trace) are visible here.
        if mailbox.state.load(Ordering::Relaxed) == POSTED
            && mailbox
                .state
                .compare_exchange(POSTED, RUNNING, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            let job = mailbox.job.load(Ordering::Relaxed).cast::<Job<'_>>();
            // SAFETY: the poster stored a pointer to a `Job` on its own stack before releasing
            // POSTED, and does not return from `run_on` (so the `Job`, the closure and
            // everything it borrows stay alive and untouched by it) until it sees DONE, which
            // is stored below after the last use, or until RUN_TIMEOUT_MS, after which it powers
            // off instead of returning. Only this CPU took the job (the CAS above), so this is
            // the only reference.
            let job = unsafe { &mut *job };
            (job.f)(platform);
            // The job's register accesses complete before the poster goes on (it may read
            // state this CPU just changed, e.g. after an acknowledge).
            sysreg::barrier();
            // Release: everything the job wrote is visible to the poster's acquire of DONE.
            mailbox.state.store(DONE, Ordering::Release);
            sysreg::send_event();
            continue;
        }
        sysreg::wait_for_event();
    }
}

/// Runs `f` on CPU `cpu` (not the caller) through its mailbox and waits for it to finish.
///
/// `Err(CpuOffline)` when the CPU is not online (never came up, given up on, busy, or the boot
/// CPU, which serves no mailbox), or when it does not take the job within PICKUP_TIMEOUT_MS: it
/// is then marked dead. A CPU that took the job but is still running it after RUN_TIMEOUT_MS
/// powers the machine off: the job refers to this CPU's stack, so returning would let it write
/// into memory this CPU reuses (the host reboots the guest after the case, as after a panic).
pub fn run_on(cpu: u8, f: &mut dyn FnMut(&mut dyn Platform)) -> Result<(), CpuOffline> {
    let index = usize::from(cpu);
    if index == 0 || index >= MAX_CPUS {
        return Err(CpuOffline);
    }
    let mailbox = &MAILBOXES[index];
    if mailbox
        .state
        .compare_exchange(IDLE, CLAIMED, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        return Err(CpuOffline);
    }
    let mut job = Job { f };
    mailbox
        .job
        .store((&raw mut job).cast::<()>(), Ordering::Relaxed);
    // This CPU's register accesses so far (e.g. an SGI sent, an SPI retargeted) complete before
    // the other CPU makes its first.
    sysreg::barrier();
    // Release: the job pointer and everything the closure captures are visible to the acquire
    // that takes the job.
    mailbox.state.store(POSTED, Ordering::Release);
    sysreg::send_event();
    let begin = sysreg::counter();
    loop {
        // Acquire: pairs with the release of DONE, so the job's writes are visible here.
        let state = mailbox.state.load(Ordering::Acquire);
        let elapsed = sysreg::counter().wrapping_sub(begin);
        match state {
            DONE => {
                // The job is finished and no longer referenced; the mailbox is free again.
                mailbox.state.store(IDLE, Ordering::Relaxed);
                return Ok(());
            }
            POSTED
                if elapsed > ticks(PICKUP_TIMEOUT_MS)
                    && mailbox
                        .state
                        .compare_exchange(POSTED, DEAD, Ordering::Relaxed, Ordering::Relaxed)
                        .is_ok() =>
            {
                // The CPU never saw the job (it would have moved POSTED on first), so nothing
                // refers to `job` any more.
                log(format_args!(
                    "cpu {cpu} offline: took no job for {PICKUP_TIMEOUT_MS} ms, given up"
                ));
                return Err(CpuOffline);
            }
            RUNNING if elapsed > ticks(RUN_TIMEOUT_MS) => {
                log(format_args!(
                    "cpu {cpu} still running a job after {RUN_TIMEOUT_MS} ms: powering off"
                ));
                psci::system_off();
            }
            _ => sysreg::yield_cpu(),
        }
    }
}

/// Where a secondary the boot CPU gave up on spends the rest of the run.
fn park() -> ! {
    loop {
        sysreg::wait_for_event();
    }
}
