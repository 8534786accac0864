//! The reference x86 interrupt model: local APIC (xAPIC and x2APIC), IOAPIC, MSI decoding, VT-d
//! interrupt remapping and posted interrupts, from the Intel SDM vol. 3 ch. 11 and 29 and the
//! VT-d specification ch. 5.
//!
//! Not built yet: the x86 issue fills this crate. It is part of the workspace now so that the
//! layout DESIGN.md fixes exists from the first commit; it exports nothing.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
