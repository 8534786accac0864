//! [`Truncating`]: a fixed buffer for formatted text (panic messages, log records naming a CPU),
//! since the guests have no allocator.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_beyond_the_buffer_is_dropped_without_splitting_a_character() {
        let mut text = Truncating::default();
        write!(text, "cpu {} ", 1).unwrap();
        assert_eq!(text.as_str(), "cpu 1 ");
        let long = "é".repeat(100);
        text.write_str(&long).unwrap();
        assert!(text.as_str().len() <= 96);
        assert!(text.as_str().starts_with("cpu 1 é"));
        assert!(
            text.as_str().ends_with('é'),
            "no half of a two-byte character"
        );
    }
}
