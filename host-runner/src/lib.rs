//! irqsuite's host side: plan a run, boot the guests, decode their traces, replay every trace
//! through the reference model, and report.
#![deny(unsafe_op_in_unsafe_fn)]

pub mod build;
