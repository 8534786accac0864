//! Stopping a run on SIGINT or SIGTERM without losing what it judged: the first signal sets the
//! run's stop flag ([`crate::backend::Limits::stop`]), so the machine running is killed within a
//! tenth of a second, its case and every case not yet run end as `error` with the reason, and the
//! reports are written with everything judged so far; a second signal ends the process at once
//! (exit status 130).

use std::io;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use signal_hook::consts::{SIGINT, SIGTERM};

/// The exit status of a run that a signal stopped (128 + SIGINT, as a shell reports it).
pub const EXIT_STATUS: u8 = 130;

/// Installs the handlers; returns the stop flag they set.
pub fn install() -> io::Result<&'static AtomicBool> {
    // Leaked on purpose: the handlers hold it for the life of the process.
    let flag: &'static Arc<AtomicBool> = Box::leak(Box::new(Arc::new(AtomicBool::new(false))));
    for signal in [SIGINT, SIGTERM] {
        // First: a signal that finds the flag already set ends the process.
        signal_hook::flag::register_conditional_shutdown(
            signal,
            i32::from(EXIT_STATUS),
            Arc::clone(flag),
        )?;
        signal_hook::flag::register(signal, Arc::clone(flag))?;
    }
    Ok(flag)
}
