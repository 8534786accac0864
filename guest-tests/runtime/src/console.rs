//! The console's record stream, above whatever UART the guest drives (a PL011 or SBSA UART on
//! Arm, COM1 on x86).
//!
//! Every record goes out through [`guest_kit::protocol::encode`] with one sequence number per
//! boot, counted from 0 ([`RecordStream::emit`]). Exception handlers print too, so the stream is
//! global. Only one CPU runs case code at a time (the others wait in their mailboxes), but a line
//! is still written under a lock, so two CPUs can never tear or reorder lines. The lock knows its
//! owner: an exception handler printing on a CPU that was interrupted mid-line (a fault on the
//! UART itself) goes ahead instead of deadlocking, and a CPU that stopped while holding it (a
//! hung access on a secondary) silences the console only for a bounded number of attempts.
//!
//! Input ([`read_line`]): the host's answers to requests arrive as short lines; the UART hands
//! over bytes, this assembles them.

use core::fmt::Write;
use core::marker::PhantomData;
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicU32, Ordering};

use guest_kit::protocol::{LineBuf, Record, encode};
use guest_kit::text::Truncating;

use crate::Cpu;

/// The lock's owner when no CPU holds it.
const UNLOCKED: u32 = u32::MAX;
/// Attempts at taking the lock before writing without it.
const LOCK_ATTEMPTS: u32 = 10_000_000;

/// The sequence numbers and the line lock of a guest's console. `C` says which CPU is asking.
pub struct RecordStream<C> {
    /// The sequence number of the next record.
    seq: AtomicU32,
    /// The CPU holding the console (its index), or [`UNLOCKED`].
    owner: AtomicU32,
    cpu: PhantomData<fn() -> C>,
}

impl<C: Cpu> RecordStream<C> {
    /// A stream whose first record is number 0 (for a `static`).
    pub const fn new() -> Self {
        RecordStream {
            seq: AtomicU32::new(0),
            owner: AtomicU32::new(UNLOCKED),
            cpu: PhantomData,
        }
    }

    /// Encodes `record` with the next sequence number and hands the line (without its newline)
    /// to `write_line`, under the line lock.
    pub fn emit(&self, record: &Record<'_>, write_line: impl FnOnce(&str)) {
        // The sequence number is taken under the lock, so numbers follow the order of the lines.
        let _lock = LineLock::acquire(&self.owner, C::index() as u32);
        let seq = self.seq.fetch_add(1, Ordering::SeqCst);
        let mut line = LineBuf::default();
        match encode(seq, record, &mut line) {
            Ok(text) => write_line(text),
            // Records are sized to fit (free text is cut by `encode`); if one still does not, say
            // so under the same sequence number rather than leave a gap the host reads as a lost
            // line.
            Err(_) => {
                if let Ok(text) = encode(seq, &Record::Log("record too long, dropped"), &mut line) {
                    write_line(text);
                }
            }
        }
    }

    /// [`emit`](Self::emit)s `log panic: <message> at <file>:<line>`, cut to fit: what a guest's
    /// panic handler prints before it ends the run.
    pub fn log_panic(&self, info: &PanicInfo<'_>, write_line: impl FnOnce(&str)) {
        let mut text = Truncating::default();
        let _ = write!(text, "panic: {}", info.message());
        if let Some(location) = info.location() {
            let _ = write!(text, " at {}:{}", location.file(), location.line());
        }
        self.emit(&Record::Log(text.as_str()), write_line);
    }

    /// [`emit`](Self::emit)s a `log` record formatted from `args`, cut to fit.
    pub fn log(&self, args: core::fmt::Arguments<'_>, write_line: impl FnOnce(&str)) {
        let mut text = Truncating::default();
        let _ = text.write_fmt(args);
        self.emit(&Record::Log(text.as_str()), write_line);
    }
}

impl<C: Cpu> Default for RecordStream<C> {
    fn default() -> Self {
        Self::new()
    }
}

/// Holds the console for one line: a spin lock that knows its owner.
struct LineLock<'a> {
    /// The owner word; `None` when this guard did not take the lock (and so does not release
    /// it): re-entered on the owning CPU, or given up on after [`LOCK_ATTEMPTS`].
    taken: Option<&'a AtomicU32>,
}

impl<'a> LineLock<'a> {
    fn acquire(owner: &'a AtomicU32, me: u32) -> LineLock<'a> {
        if owner.load(Ordering::Relaxed) == me {
            // Re-entered from an exception handler on the CPU that holds it.
            return LineLock { taken: None };
        }
        for _ in 0..LOCK_ATTEMPTS {
            // Acquire: the previous owner's UART writes and sequence number come before ours.
            if owner
                .compare_exchange_weak(UNLOCKED, me, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return LineLock { taken: Some(owner) };
            }
            core::hint::spin_loop();
        }
        LineLock { taken: None }
    }
}

impl Drop for LineLock<'_> {
    fn drop(&mut self) {
        if let Some(owner) = self.taken {
            // Release: this line's writes happen before the next owner's.
            owner.store(UNLOCKED, Ordering::Release);
        }
    }
}

/// What a UART poll found.
pub enum Received {
    /// A byte arrived.
    Byte(u8),
    /// Nothing yet; the deadline has not passed.
    Nothing,
    /// Nothing, and the deadline passed.
    TimedOut,
}

/// Assembles one line of console input into `buf` from what `poll` receives, spinning while
/// nothing arrives. Returns the line without its newline (`\r` dropped, cut to the buffer), or
/// `None` when `poll` timed out or the line is not UTF-8.
pub fn read_line<const N: usize>(
    buf: &mut [u8; N],
    mut poll: impl FnMut() -> Received,
) -> Option<&str> {
    let mut len = 0;
    loop {
        match poll() {
            Received::Byte(b'\n') => return core::str::from_utf8(&buf[..len]).ok(),
            Received::Byte(b'\r') => {}
            Received::Byte(byte) if len < N => {
                buf[len] = byte;
                len += 1;
            }
            Received::Byte(_) => {}
            Received::Nothing => core::hint::spin_loop(),
            Received::TimedOut => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::tests::HostCpu;

    fn lines(stream: &RecordStream<HostCpu>, records: &[Record<'_>]) -> Vec<String> {
        let mut out = Vec::new();
        for record in records {
            stream.emit(record, |line| out.push(line.to_owned()));
        }
        out
    }

    #[test]
    fn records_are_numbered_from_zero_in_the_order_they_are_written() {
        let stream = RecordStream::<HostCpu>::new();
        let out = lines(&stream, &[Record::Log("a"), Record::Done { cases: 2 }]);
        assert!(out[0].starts_with("@@irq 0 log a #"), "{out:?}");
        assert!(out[1].starts_with("@@irq 1 done 2 #"), "{out:?}");
    }

    #[test]
    fn a_log_is_formatted_and_cut_to_fit() {
        let stream = RecordStream::<HostCpu>::new();
        let mut out = String::new();
        stream.log(
            format_args!("cpu {} offline: {}", 3, "x".repeat(300)),
            |l| out = l.to_owned(),
        );
        assert!(out.starts_with("@@irq 0 log cpu 3 offline: xxx"), "{out}");
        assert!(out.len() < 200, "{out}");
    }

    #[test]
    fn a_cpu_that_holds_the_lock_can_still_print_from_a_handler_and_then_releases_it() {
        let stream = RecordStream::<HostCpu>::new();
        HostCpu::become_cpu(1);
        let mut out = Vec::new();
        stream.emit(&Record::Log("outer"), |outer| {
            assert_eq!(
                stream.owner.load(Ordering::Relaxed),
                1,
                "held while writing"
            );
            // An exception handler on the same CPU, mid-line.
            stream.emit(&Record::Log("inner"), |inner| out.push(inner.to_owned()));
            out.push(outer.to_owned());
        });
        assert_eq!(stream.owner.load(Ordering::Relaxed), UNLOCKED);
        assert!(out[0].starts_with("@@irq 1 log inner"), "{out:?}");
        assert!(out[1].starts_with("@@irq 0 log outer"), "{out:?}");
    }

    #[test]
    fn a_line_is_assembled_without_carriage_returns_and_cut_to_the_buffer() {
        let mut input = b"ok 7\r\nnext".iter().copied();
        let mut buf = [0; 3];
        let poll = || input.next().map_or(Received::TimedOut, Received::Byte);
        assert_eq!(read_line(&mut buf, poll), Some("ok "));
        let mut buf = [0; 8];
        let mut rest = b"next".iter().copied();
        let poll = || rest.next().map_or(Received::TimedOut, Received::Byte);
        assert_eq!(
            read_line(&mut buf, poll),
            None,
            "no newline before the deadline"
        );
    }

    #[test]
    fn reading_waits_through_empty_polls_for_the_newline() {
        let mut script = [
            Received::Nothing,
            Received::Byte(b'a'),
            Received::Nothing,
            Received::Byte(b'\n'),
        ]
        .into_iter();
        let mut buf = [0; 8];
        assert_eq!(read_line(&mut buf, || script.next().unwrap()), Some("a"));
    }
}
