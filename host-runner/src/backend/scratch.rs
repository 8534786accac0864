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
    /// created until the first boot asks for one). The folders a run that died without cleaning
    /// up left under `parent` (killed with -9, a power cut) are removed first.
    pub fn new(parent: PathBuf, name: &str) -> Scratch {
        remove_orphans(&parent);
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

/// Removes the folders under `parent` (`<name>-<pid>-<run>`) of processes that no longer exist.
fn remove_orphans(parent: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.rsplit('-').nth(1))
            .and_then(|pid| pid.parse::<u32>().ok());
        let alive = |pid: u32| std::path::Path::new("/proc").join(pid.to_string()).exists();
        if let Some(pid) = pid
            && !alive(pid)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_runs_folders_are_removed_at_the_next_start_and_a_live_ones_kept() {
        let parent = std::env::temp_dir().join(format!("irqsuite-orphans-{}", std::process::id()));
        // No process has a pid past the kernel's pid_max (4194304 at most).
        let dead = parent.join("gicv3-its-99999999-0/boot-1");
        let live = parent.join(format!("gicv2-{}-7/boot-1", std::process::id()));
        for dir in [&dead, &live] {
            std::fs::create_dir_all(dir).unwrap();
        }
        let scratch = Scratch::new(parent.clone(), "gicv3");
        assert!(
            !parent.join("gicv3-its-99999999-0").exists(),
            "the dead run's folder"
        );
        assert!(live.is_dir(), "a live run's folder is its own");
        drop(scratch);
        std::fs::remove_dir_all(&parent).unwrap();
    }

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
