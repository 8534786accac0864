//! The `xl` commands one boot needs (xl(1)): `create -p` (the domain is built paused),
//! `console -t vuart` (the vpl011, not the PV console `xl console` picks by default on Arm),
//! `unpause`, and `destroy`. A domain the runner created is destroyed before the next boot,
//! at the end of the run, and when the run unwinds ([`Leftover`]): none is left behind.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
        let out = self.xl().arg("create").arg("-p").arg(config).output()?;
        if out.status.success() {
            Ok(())
        } else {
            Err(failed(&format!("xl create -p {}", config.display()), &out))
        }
    }

    /// The machine of one boot: the domain's vpl011 console, the guest unpaused once it is
    /// attached ([`CONSOLE_SCRIPT`]).
    pub fn console(&self, domain: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(CONSOLE_SCRIPT).arg(&self.xl).arg(domain);
        cmd
    }

    /// Whether a domain called `domain` exists (`xl domid` succeeds only then).
    pub fn exists(&self, domain: &str) -> io::Result<bool> {
        let out = self.xl().arg("domid").arg(domain).output()?;
        Ok(out.status.success())
    }

    /// Destroys `domain` when it exists (a guest that powered off is already gone:
    /// `on_poweroff="destroy"`).
    pub fn destroy(&self, domain: &str) -> io::Result<()> {
        if !self.exists(domain)? {
            return Ok(());
        }
        let out = self.xl().arg("destroy").arg(domain).output()?;
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
