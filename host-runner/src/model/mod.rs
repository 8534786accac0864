//! The reference models as [`Platform`]s: a case runs in-process against the model of its
//! target's architecture, chosen by [`TargetInfo::arch`] — [`GicModel`] (`reference-vgic`) for
//! aarch64, [`X86Model`] (`reference-vtd`) for x86_64.

pub mod gic;
pub mod x86;

use guest_kit::{Arch, Platform, TargetInfo};

pub use gic::GicModel;
pub use x86::{X86Choices, X86Model};

/// A fresh model shaped like `info`, of its architecture.
pub fn for_target(info: TargetInfo) -> Box<dyn Platform> {
    match info.arch {
        Arch::Aarch64 => Box::new(GicModel::new(info)),
        Arch::X86_64 => Box::new(X86Model::new(info)),
    }
}
