//! Building guest images.
