//! [`SetOnce`]: a value the boot CPU writes once, before the other CPUs start, and every CPU then
//! reads (the GDT, the IDT, the platform view the APs serve with).

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

/// A cell written at most once and read-only afterwards.
pub struct SetOnce<T> {
    set: AtomicBool,
    value: UnsafeCell<Option<T>>,
}

// SAFETY: the value is written once, before `set` is released, and only read (shared) after a
// reader acquired `set`; `T: Sync` makes the shared reads from several CPUs sound.
unsafe impl<T: Sync + Send> Sync for SetOnce<T> {}

impl<T> SetOnce<T> {
    /// An empty cell.
    pub const fn new() -> SetOnce<T> {
        SetOnce {
            set: AtomicBool::new(false),
            value: UnsafeCell::new(None),
        }
    }

    /// Stores `value` and returns it; `None` (and `value` dropped) when the cell was set before.
    /// Only the boot CPU calls this, before the other CPUs start.
    pub fn set(&self, value: T) -> Option<&T> {
        if self.set.load(Ordering::Acquire) {
            return None;
        }
        // SAFETY: not set yet, and only the boot CPU sets, before any other CPU runs: nobody
        // holds a reference into the cell.
        unsafe { *self.value.get() = Some(value) };
        self.set.store(true, Ordering::Release);
        self.get()
    }

    /// The value, once set.
    pub fn get(&self) -> Option<&T> {
        if !self.set.load(Ordering::Acquire) {
            return None;
        }
        // SAFETY: set (acquired above), and never written again: shared reads only.
        unsafe { (*self.value.get()).as_ref() }
    }
}
