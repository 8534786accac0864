//! A machine process: started in its own process group, its console read line by line with
//! deadlines, and the whole group killed when it is done or dropped, so nothing is orphaned
//! (DESIGN.md, "Reliability").

use std::io::{self, BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// A console line longer than this is cut (a guest flooding garbage cannot exhaust memory).
pub const MAX_LINE: usize = 4096;

/// What waiting for the next console line gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// A line, without its newline.
    Line(String),
    /// The deadline passed.
    Timeout,
    /// The console closed (the process exited or closed stdout).
    Closed,
}

/// A running machine.
pub struct Machine {
    child: Child,
    console_in: Option<std::process::ChildStdin>,
    lines: Receiver<String>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Machine {
    /// Starts `cmd` in a new process group, stdin closed, stdout as the console. The machine
    /// gets SIGKILL when the runner's thread that started it ends, even under `kill -9` of the
    /// runner (Linux's parent-death signal), so no machine outlives its run.
    pub fn start(mut cmd: Command) -> io::Result<Machine> {
        use std::os::unix::process::CommandExt;
        // SAFETY: the closure runs in the child between fork and exec and only calls prctl(2),
        // which is async-signal-safe; it touches no memory of the parent.
        unsafe {
            cmd.pre_exec(|| {
                nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).map_err(io::Error::from)
            });
        }
        cmd.process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn()?;
        let console_in = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr_pipe = child.stderr.take().expect("stderr is piped");
        let (tx, lines) = channel();
        thread::spawn(move || {
            for line in Lines::new(stdout) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            for line in Lines::new(stderr_pipe) {
                let mut v = sink.lock().unwrap_or_else(|e| e.into_inner());
                if v.len() < 200 {
                    v.push(line);
                }
            }
        });
        Ok(Machine {
            child,
            console_in,
            lines,
            stderr,
        })
    }

    /// Waits for the next console line until `deadline`.
    pub fn next_line(&self, deadline: Instant) -> Next {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.lines.recv_timeout(wait) {
            Ok(line) => Next::Line(line),
            Err(RecvTimeoutError::Timeout) => Next::Timeout,
            Err(RecvTimeoutError::Disconnected) => Next::Closed,
        }
    }

    /// Writes `line` and a newline to the machine's console input.
    pub fn send_line(&mut self, line: &str) -> io::Result<()> {
        use std::io::Write;
        let input = self
            .console_in
            .as_mut()
            .ok_or_else(|| io::Error::other("console input closed"))?;
        input.write_all(line.as_bytes())?;
        input.write_all(b"\n")?;
        input.flush()
    }

    /// What the process wrote to stderr so far (the first 200 lines).
    pub fn stderr(&self) -> Vec<String> {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits up to `grace` for the process to exit by itself, then kills its process group.
    /// Returns the exit status when it exited by itself.
    pub fn finish(&mut self, grace: Duration) -> Option<ExitStatus> {
        let until = Instant::now() + grace;
        while Instant::now() < until {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.kill_group();
                return Some(status);
            }
            thread::sleep(Duration::from_millis(10));
        }
        self.kill();
        None
    }

    /// Kills the whole process group and reaps the process.
    pub fn kill(&mut self) {
        self.kill_group();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn kill_group(&self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // The group may already be gone: nothing to do then.
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Splits a byte stream into lines of at most [`MAX_LINE`] bytes, lossily decoded, a trailing
/// `\r` dropped: a machine's console as it runs, or one captured to a file.
pub struct Lines<R> {
    reader: BufReader<R>,
}

impl<R: Read> Lines<R> {
    /// The lines of `r`.
    pub fn new(r: R) -> Self {
        Lines {
            reader: BufReader::new(r),
        }
    }
}

impl<R: Read> Iterator for Lines<R> {
    type Item = String;
    fn next(&mut self) -> Option<String> {
        let mut buf = Vec::new();
        loop {
            let available = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => &[],
            };
            if available.is_empty() {
                return (!buf.is_empty()).then(|| String::from_utf8_lossy(&buf).into_owned());
            }
            let room = MAX_LINE - buf.len();
            let take = available.iter().take(room).position(|&b| b == b'\n');
            match take {
                Some(i) => {
                    buf.extend_from_slice(&available[..i]);
                    self.reader.consume(i + 1);
                    break;
                }
                None => {
                    let n = available.len().min(room);
                    buf.extend_from_slice(&available[..n]);
                    self.reader.consume(n);
                    if buf.len() == MAX_LINE {
                        break;
                    }
                }
            }
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Some(String::from_utf8_lossy(&buf).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    #[test]
    fn lines_are_split_and_carriage_returns_dropped() {
        let lines: Vec<_> = Lines::new(&b"a\r\nb\n\nc"[..]).collect();
        assert_eq!(lines, ["a", "b", "", "c"]);
    }

    #[test]
    fn overlong_line_is_cut_not_buffered_whole() {
        let data = vec![b'x'; MAX_LINE * 2 + 5];
        let lines: Vec<_> = Lines::new(&data[..]).collect();
        assert_eq!(
            lines.iter().map(String::len).collect::<Vec<_>>(),
            [MAX_LINE, MAX_LINE, 5]
        );
    }

    #[test]
    fn silent_machine_times_out_and_its_whole_group_is_killed() {
        let pidfile = std::env::temp_dir().join(format!("irqsuite-exec-{}", std::process::id()));
        let script = format!("sleep 30 & echo $! > {}; echo up; wait", pidfile.display());
        let mut m = Machine::start(sh(&script)).unwrap();
        assert_eq!(
            m.next_line(Instant::now() + Duration::from_secs(5)),
            Next::Line("up".into())
        );
        assert_eq!(
            m.next_line(Instant::now() + Duration::from_millis(50)),
            Next::Timeout
        );
        m.kill();
        let grandchild: i32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        std::fs::remove_file(&pidfile).unwrap();
        // Reaped by init after the kill: signal 0 fails once it is gone.
        let gone = (0..100).any(|_| {
            thread::sleep(Duration::from_millis(20));
            nix::sys::signal::kill(Pid::from_raw(grandchild), None).is_err()
                || std::fs::read_to_string(format!("/proc/{grandchild}/stat"))
                    .map(|s| s.contains(") Z "))
                    .unwrap_or(true)
        });
        assert!(gone, "grandchild {grandchild} survived the group kill");
    }

    #[test]
    fn a_machine_dies_with_the_runner_thread_that_started_it_even_if_never_dropped() {
        // The machine is leaked (no Drop, no kill): only the parent-death signal can end it.
        let pid = thread::spawn(|| {
            let m = Machine::start(sh("exec sleep 30")).unwrap();
            let pid = m.child.id();
            std::mem::forget(m);
            pid
        })
        .join()
        .unwrap();
        let pid = Pid::from_raw(i32::try_from(pid).unwrap());
        let gone = (0..200).any(|_| {
            thread::sleep(Duration::from_millis(10));
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            stat.is_empty() || stat.contains(") Z ")
        });
        // Reap it if it is our zombie.
        let _ = nix::sys::wait::waitpid(pid, Some(nix::sys::wait::WaitPidFlag::WNOHANG));
        assert!(gone, "machine {pid} outlived the thread that started it");
    }

    #[test]
    fn console_closes_when_the_machine_exits() {
        let mut m = Machine::start(sh("echo bye")).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        assert_eq!(m.next_line(deadline), Next::Line("bye".into()));
        assert_eq!(m.next_line(deadline), Next::Closed);
        assert!(
            m.finish(Duration::from_secs(5))
                .is_some_and(|s| s.success())
        );
    }
}
