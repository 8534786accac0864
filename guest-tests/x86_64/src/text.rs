//! [`Truncating`]: a fixed buffer for formatted text (panic messages, log records naming a CPU),
//! since the guest has no allocator.

use core::fmt::{self, Write};

/// A small text buffer that keeps what fits and drops the rest.
pub struct Truncating {
    buf: [u8; 96],
    len: usize,
}

impl Default for Truncating {
    fn default() -> Self {
        Truncating {
            buf: [0; 96],
            len: 0,
        }
    }
}

impl Truncating {
    /// The text kept so far.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl Write for Truncating {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            let mut utf8 = [0; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            let end = self.len + bytes.len();
            if end > self.buf.len() {
                break;
            }
            self.buf[self.len..end].copy_from_slice(bytes);
            self.len = end;
        }
        Ok(())
    }
}
