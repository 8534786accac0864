//! Temporary files of one target's run (xen-dom0less's device trees, xl's domain configurations): a
//! folder with one sub-folder per boot, removed with everything in it when the run ends
//! (DESIGN.md, "Reliability": no temporary files left behind).

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The run's folder; removed on drop.
pub struct Scratch {
    dir: PathBuf,
    boots: AtomicUsize,
}

impl Scratch {
    /// A folder for `name` under `parent`, unique in this process and across processes (not
    /// created until the first boot asks for one).
    pub fn new(parent: PathBuf, name: &str) -> Scratch {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        Scratch {
            dir: parent.join(format!("{name}-{}-{run}", std::process::id())),
            boots: AtomicUsize::new(0),
        }
    }

    /// A new, empty folder for the next boot.
    pub fn boot_dir(&self) -> io::Result<PathBuf> {
        let boot = self.boots.fetch_add(1, Ordering::Relaxed) + 1;
        let dir = self.dir.join(format!("boot-{boot}"));
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Nothing to remove when no boot asked for a folder.
        let _ = std::fs::remove_dir_all(&self.dir);
        // The parent too once no other run uses it (a run in progress keeps it).
        if let Some(parent) = self.dir.parent() {
            let _ = std::fs::remove_dir(parent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_boot_gets_its_own_folder_and_all_are_gone_after_the_run() {
        let parent = std::env::temp_dir().join(format!("irqsuite-scratch-{}", std::process::id()));
        let scratch = Scratch::new(parent.clone(), "gicv3");
        let (a, b) = (scratch.boot_dir().unwrap(), scratch.boot_dir().unwrap());
        std::fs::write(a.join("xen.dtb"), b"x").unwrap();
        assert_ne!(a, b);
        assert!(a.is_dir() && b.is_dir());
        drop(scratch);
        assert!(!parent.exists(), "{} left behind", parent.display());
    }
}
