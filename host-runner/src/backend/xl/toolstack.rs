//! The `xl` commands one boot needs (xl(1)): `create -p` (the domain is built paused),
//! `console -t vuart` (the vpl011, not the PV console `xl console` picks by default on Arm),
//! `unpause`, and `destroy`. A domain the runner created is destroyed before the next boot,
//! at the end of the run, and when the run unwinds ([`Leftover`]): none is left behind.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// How long one `xl create`, `domid` or `destroy` may take before it is killed (they take
/// well under a second; one that hangs on xenstore must not hang the run).
const XL_LIMIT: Duration = Duration::from_secs(60);

/// The toolstack: the `xl` program to run.
#[derive(Clone, Debug)]
pub struct Toolstack {
    xl: PathBuf,
}

/// Attaches the vpl011 console, then lets the guest run, and lasts as long as the console.
/// `$0` is `xl`, `$1` the domain. The console's input must stay the machine's: xenconsole ends
/// at the end of its input, and a shell without job control gives a background command
/// `/dev/null` (dash even under `<&0`), so the input goes through descriptor 3. The guest's
/// lines printed before the console connects wait in xenconsoled's buffer, so none is lost.
const CONSOLE_SCRIPT: &str = r#"exec 3<&0
"$0" console -t vuart "$1" <&3 3<&- &
console=$!
exec 3<&-
"$0" unpause "$1" || { kill "$console"; exit 1; }
wait "$console""#;

/// Runs `cmd` to completion in a process group of its own, the whole group killed after
/// `limit` (a child left holding the output pipes would keep the wait going).
fn output_within(mut cmd: Command, limit: Duration) -> io::Result<Output> {
    use std::os::unix::process::CommandExt;
    let child = cmd
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let pid = Pid::from_raw(i32::try_from(child.id()).map_err(io::Error::other)?);
    let (done, finished) = mpsc::channel();
    let waiter = thread::spawn(move || {
        let out = child.wait_with_output();
        let _ = done.send(());
        out
    });
    let timed_out = finished.recv_timeout(limit).is_err();
    if timed_out {
        // Not reaped yet (the waiter has not returned), so the group is still this child's.
        let _ = killpg(pid, Signal::SIGKILL);
    }
    let out = waiter
        .join()
        .map_err(|_| io::Error::other("the waiting thread panicked"))??;
    if timed_out {
        return Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("{cmd:?} took over {} s: killed", limit.as_secs()),
        ));
    }
    Ok(out)
}

fn failed(what: &str, out: &Output) -> io::Error {
    let stderr = String::from_utf8_lossy(&out.stderr);
    io::Error::other(format!("{what} failed ({}): {}", out.status, stderr.trim()))
}

impl Toolstack {
    /// The toolstack run through `xl`.
    pub fn new(xl: PathBuf) -> Toolstack {
        Toolstack { xl }
    }

    fn xl(&self) -> Command {
        let mut cmd = Command::new(&self.xl);
        cmd.stdin(Stdio::null());
        cmd
    }

    /// `xl create -p <config>`: the domain exists, paused. `config` must be absolute (xl(1)).
    pub fn create_paused(&self, config: &Path) -> io::Result<()> {
        let mut cmd = self.xl();
        cmd.arg("create").arg("-p").arg(config);
        let out = output_within(cmd, XL_LIMIT)?;
        if out.status.success() {
            Ok(())
        } else {
            Err(failed(&format!("xl create -p {}", config.display()), &out))
        }
    }

    /// The machine of one boot: the domain's vpl011 console, the guest unpaused once it is
    /// attached (`CONSOLE_SCRIPT`).
    pub fn console(&self, domain: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(CONSOLE_SCRIPT).arg(&self.xl).arg(domain);
        cmd
    }

    /// Whether a domain called `domain` exists (`xl domid` succeeds only then).
    pub fn exists(&self, domain: &str) -> io::Result<bool> {
        let mut cmd = self.xl();
        cmd.arg("domid").arg(domain);
        let out = output_within(cmd, XL_LIMIT)?;
        Ok(out.status.success())
    }

    /// Destroys `domain` when it exists (a guest that powered off is already gone:
    /// `on_poweroff="destroy"`).
    pub fn destroy(&self, domain: &str) -> io::Result<()> {
        if !self.exists(domain)? {
            return Ok(());
        }
        let mut cmd = self.xl();
        cmd.arg("destroy").arg(domain);
        let out = output_within(cmd, XL_LIMIT)?;
        if out.status.success() {
            Ok(())
        } else {
            Err(failed(&format!("xl destroy {domain}"), &out))
        }
    }
}

/// Destroys the run's domain when dropped (the run ended, or unwound); says so loudly when it
/// cannot, with the command that finishes the job.
pub struct Leftover<'a> {
    /// The toolstack that created it.
    pub toolstack: &'a Toolstack,
    /// The domain's name.
    pub domain: &'a str,
}

impl Drop for Leftover<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.toolstack.destroy(self.domain) {
            eprintln!(
                "irqsuite: could not destroy domain {}: {e}; run: xl destroy {}",
                self.domain, self.domain
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script);
        cmd
    }

    #[test]
    fn a_command_that_hangs_is_killed_and_reported() {
        let err = output_within(sh("sleep 30"), Duration::from_millis(100)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(err.to_string().contains("killed"), "{err}");
    }

    #[test]
    fn a_command_that_finishes_gives_its_output() {
        let out = output_within(sh("echo domid; echo oops >&2; exit 3"), XL_LIMIT).unwrap();
        assert_eq!(out.stdout, b"domid\n");
        assert_eq!(out.stderr, b"oops\n");
        assert_eq!(out.status.code(), Some(3));
    }
}
