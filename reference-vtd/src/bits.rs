//! Typed bitfields: the one way registers and in-memory structures are laid out in this crate.
//!
//! Invariants:
//! - A register is a newtype over its raw width (`u32`, `u64`, `u128`) declared with
//!   the crate-private `bitfield!` macro; every field has a named getter and a `with_*`
//!   builder, typed as `bool`, an unsigned integer, or an enum that implements [`Field`].
//! - Field positions are written once, as `lo ..= hi` bit numbers, next to the spec section
//!   that defines them; nothing else in the crate shifts or masks a register value.
//! - Enums used as fields map *every* encoding of their width (reserved encodings are named
//!   variants), so decoding never fails and never panics.

/// A value that can live in a bitfield: converts to and from the raw bits of the field.
pub trait Field: Copy {
    /// The field's value from its bits (already shifted down and masked to the width).
    fn from_bits(bits: u128) -> Self;
    /// The field's bits (not yet shifted).
    fn to_bits(self) -> u128;
}

impl Field for bool {
    fn from_bits(bits: u128) -> bool {
        bits != 0
    }
    fn to_bits(self) -> u128 {
        u128::from(self)
    }
}

macro_rules! int_field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            fn from_bits(bits: u128) -> $t {
                bits as $t
            }
            fn to_bits(self) -> u128 {
                self as u128
            }
        }
    )*};
}
int_field!(u8, u16, u32, u64);

/// The mask of a field `lo ..= hi` (at bit 0).
pub(crate) const fn width_mask(lo: u32, hi: u32) -> u128 {
    let width = hi - lo + 1;
    if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    }
}

/// Declare a register newtype with typed fields.
///
/// ```text
/// bitfield! {
///     /// Doc.
///     pub struct Svr(u32) {
///         /// Spurious vector.
///         vector, with_vector: 0 ..= 7 as u8;
///     }
/// }
/// ```
macro_rules! bitfield {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident($raw:ty) {
            $(
                $(#[$fmeta:meta])*
                $get:ident, $with:ident : $lo:literal ..= $hi:literal as $fty:ty;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        $vis struct $name(pub $raw);

        #[allow(dead_code)]
        impl $name {
            $(
                $(#[$fmeta])*
                pub fn $get(self) -> $fty {
                    let raw = self.0 as u128;
                    <$fty as $crate::bits::Field>::from_bits(
                        (raw >> $lo) & $crate::bits::width_mask($lo, $hi),
                    )
                }

                $(#[$fmeta])*
                #[must_use]
                pub fn $with(self, value: $fty) -> $name {
                    let mask = $crate::bits::width_mask($lo, $hi) << $lo;
                    let bits = (<$fty as $crate::bits::Field>::to_bits(value) << $lo) & mask;
                    $name((((self.0 as u128) & !mask) | bits) as $raw)
                }
            )*
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{}({:#x})", stringify!($name), self.0)
            }
        }
    };
}
pub(crate) use bitfield;

#[cfg(test)]
mod tests {
    bitfield! {
        /// A test register.
        struct Demo(u64) {
            /// Low byte.
            low, with_low: 0 ..= 7 as u8;
            /// A flag.
            flag, with_flag: 12 ..= 12 as bool;
            /// The top half.
            top, with_top: 32 ..= 63 as u32;
        }
    }

    #[test]
    fn fields_read_back_what_was_written_and_leave_the_rest_alone() {
        let d = Demo(0xffff_0000_0000_0f00)
            .with_low(0xab)
            .with_flag(true)
            .with_top(0x1234_5678);
        assert_eq!(d.low(), 0xab);
        assert!(d.flag());
        assert_eq!(d.top(), 0x1234_5678);
        assert_eq!(d.0 & 0xf00, 0xf00, "bits outside the fields are kept");
        assert!(!d.with_flag(false).flag());
    }

    #[test]
    fn a_value_wider_than_its_field_is_truncated() {
        bitfield! {
            struct Narrow(u32) {
                two, with_two: 4 ..= 5 as u8;
            }
        }
        assert_eq!(Narrow(0).with_two(0xff).0, 0b11_0000);
    }
}
