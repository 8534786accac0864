//! Which catalogue cases a boot runs: the kernel command-line parameter `irqsuite.run=<hex>`, a
//! bitmap written as one big hexadecimal number (bit `i` selects case `i`; `5` selects cases 0
//! and 2). Absent, every case runs. The runner writes it ([`write_bitmap`]) and the guest reads
//! it ([`Selection::from_bootargs`]): one definition for both ends.

use core::fmt;

/// The kernel command-line parameter that selects cases.
pub const PARAM: &str = "irqsuite.run=";

/// The cases a boot runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection<'a> {
    /// Every case.
    All,
    /// The cases whose bits are set in these hex digits (most significant first).
    Bitmap(&'a str),
}

impl<'a> Selection<'a> {
    /// No case at all.
    pub const NONE: Selection<'static> = Selection::Bitmap("");

    /// Reads the selection from a kernel command line.
    pub fn from_bootargs(bootargs: &'a str) -> Result<Selection<'a>, &'static str> {
        let Some(hex) = bootargs
            .split_ascii_whitespace()
            .find_map(|arg| arg.strip_prefix(PARAM))
        else {
            return Ok(Selection::All);
        };
        let hex = hex.strip_prefix("0x").unwrap_or(hex);
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("bad irqsuite.run= (want hex digits): running no case");
        }
        Ok(Selection::Bitmap(hex))
    }

    /// Whether case `index` is selected.
    pub fn contains(&self, index: usize) -> bool {
        match *self {
            Selection::All => true,
            Selection::Bitmap(hex) => {
                let digits = hex.as_bytes();
                let Some(pos) = digits.len().checked_sub(1 + index / 4) else {
                    return false;
                };
                let digit = (digits[pos] as char).to_digit(16).unwrap_or(0);
                digit >> (index % 4) & 1 == 1
            }
        }
    }
}

/// Writes the bitmap selecting exactly `cases` (`0` for none).
pub fn write_bitmap(cases: &[usize], out: &mut dyn fmt::Write) -> fmt::Result {
    let Some(&top) = cases.iter().max() else {
        return out.write_char('0');
    };
    for nibble in (0..=top / 4).rev() {
        let digit = cases
            .iter()
            .filter(|&&i| i / 4 == nibble)
            .fold(0u32, |d, &i| d | 1 << (i % 4));
        out.write_char(char::from_digit(digit, 16).unwrap_or('0'))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitmap(cases: &[usize]) -> String {
        let mut s = String::new();
        write_bitmap(cases, &mut s).unwrap();
        s
    }

    #[test]
    fn bitmap_sets_one_bit_per_case_most_significant_digit_first() {
        assert_eq!(bitmap(&[0, 2]), "5");
        assert_eq!(bitmap(&[4]), "10");
        assert_eq!(bitmap(&[0, 1, 2, 3, 4, 5, 6, 7, 8]), "1ff");
        assert_eq!(bitmap(&[]), "0");
    }

    #[test]
    fn guest_reads_back_exactly_the_cases_the_runner_wrote() {
        let cases = [1, 5, 6, 17, 40, 41];
        let args = format!("console=ttyAMA0 {PARAM}{} quiet", bitmap(&cases));
        let sel = Selection::from_bootargs(&args).unwrap();
        let read: Vec<usize> = (0..64).filter(|&i| sel.contains(i)).collect();
        assert_eq!(read, cases);
    }

    #[test]
    fn absent_parameter_selects_every_case() {
        assert_eq!(
            Selection::from_bootargs("console=ttyAMA0"),
            Ok(Selection::All)
        );
        assert!(Selection::All.contains(999));
    }

    #[test]
    fn malformed_parameter_is_an_error_and_selects_nothing() {
        assert!(Selection::from_bootargs("irqsuite.run=xyz").is_err());
        assert!(Selection::from_bootargs("irqsuite.run=").is_err());
        assert!(!Selection::NONE.contains(0));
    }
}
